import Patterns
import Providers

/// One compiled rule of a `GuardrailSet`: a pattern that proposes candidates, the check that
/// confirms them (Luhn, mod-97, SSA ranges, context), the masking of its sample, and where it
/// applies. Built-in detectors share static compiled patterns; nothing compiles per request.
struct Detector: Sendable {
    enum Kind: Sendable {
        case email, phone, ssn, creditCard, iban, secret, jwt
        case injection(InjectionSignal)
        case custom
    }

    /// Which prompt segments a detector reads.
    enum Segments: Sendable {
        /// Everything: system prompt, messages, tool calls, results and definitions.
        case all
        /// Everything except tool definitions (developer-written schemas whose examples are
        /// placeholders, not anyone's data).
        case allButToolDefinitions
        /// Text that may come from someone other than the developer: user messages, tool
        /// results (indirect injection) and tool definitions (poisoned MCP tool descriptions).
        case untrusted

        func contains(_ segment: PromptSegment) -> Bool {
            switch self {
            case .all: return true
            case .allButToolDefinitions: return segment.kind != .toolDefinition
            case .untrusted:
                switch segment.kind {
                case .toolResult, .toolDefinition: return true
                case .text: return segment.role == .user
                case .toolCall: return false
                }
            }
        }
    }

    let kind: Kind
    let rule: String
    let action: GuardrailAction
    let scope: GuardrailScope
    let segments: Segments
    let pattern: CompiledPattern
    /// The longest text a match can span. A stream keeps this much behind its scanning edge,
    /// so a match split across deltas is still seen whole.
    let window: Int
    /// A custom pattern that begins with `\b`: a stream window can start mid-word, where PCRE2
    /// sees a boundary that the whole text does not have, so the real previous byte is checked.
    let startsAtWordBoundary: Bool
    /// For injection signals: the `AnchorWords` bit that a piece must show to be searched.
    let anchorBit: UInt8?

    init(kind: Kind, rule: String, action: GuardrailAction, scope: GuardrailScope, segments: Segments,
         pattern: CompiledPattern, window: Int, anchorBit: UInt8? = nil) {
        self.kind = kind
        self.rule = rule
        self.action = action
        self.scope = scope
        self.segments = segments
        self.pattern = pattern
        self.window = window
        self.anchorBit = anchorBit
        self.startsAtWordBoundary = pattern.pattern.hasPrefix("\\b")
    }

    /// Confirms (or narrows) a raw pattern match, or rejects it.
    func validate(_ text: ScanText, _ range: Range<Int>) -> Detection? {
        switch kind {
        case .email: return EmailDetector.validate(text, range)
        case .phone: return PhoneDetector.validate(text, range)
        case .ssn: return SSNDetector.validate(text, range)
        case .creditCard: return CreditCardDetector.validate(text, range)
        case .iban: return IBANDetector.validate(text, range)
        case .secret: return SecretDetector.validate(text, range)
        case .jwt: return SecretDetector.validateJWT(text, range)
        case .injection(let signal): return InjectionDetector.validate(text, range, signal: signal)
        case .custom:
            if range.isEmpty { return nil }
            if startsAtWordBoundary, let first = text[range.lowerBound], ByteClass.isWord(first),
               let previous = text[range.lowerBound - 1], ByteClass.isWord(previous) { return nil }
            return Detection(range: range)
        }
    }

    /// The sample recorded for a detection: never the raw value.
    func sample(_ text: ScanText, _ detection: Detection) -> String {
        let value = text.string(detection.range)
        switch kind {
        case .email: return Masking.email(value)
        case .phone, .ssn, .creditCard: return Masking.keepingLastDigits(value, count: 4)
        case .iban: return Masking.iban(value)
        case .secret, .jwt: return Masking.secret(value)
        case .injection: return Masking.phrase(value)
        case .custom: return Masking.generic(value)
        }
    }
}
