import Patterns
import Providers

/// The guardrails of one policy snapshot, compiled once: the built-in PII and injection
/// detectors that are enabled, and the custom rules. Scanning is a pure function of the text;
/// a set is immutable and shared by every request the snapshot decides.
///
/// Cost: each detector is one JIT-compiled PCRE2 pass over the text plus a cheap check of each
/// candidate; a 100 KB prompt takes about 1 ms with the PII detectors and 4 ms with every
/// detector and 20 custom rules (release build, 2 cores). Texts longer than `maxScannedBytes`
/// are scanned at their head and tail only.
public struct GuardrailSet: Sendable {
    public let pii: PIISettings?
    public let injection: InjectionSettings?
    public let customRules: [CustomRuleSpec]
    let detectors: [Detector]

    /// Longest text scanned whole; beyond it the first and last halves of this are scanned, so
    /// a multi-megabyte prompt costs a bounded time (the start and the latest turns are where
    /// planted or pasted content sits).
    public static let maxScannedBytes = 1 << 20

    public static let empty = GuardrailSet(pii: nil, injection: nil, customRules: [])

    public init(pii: PIISettings?, injection: InjectionSettings?, customRules: [CustomRuleSpec]) {
        self.pii = pii
        self.injection = injection
        self.customRules = customRules
        var detectors: [Detector] = []
        func add(_ kind: Detector.Kind, _ rule: String, _ pattern: CompiledPattern?, window: Int,
                 action: GuardrailAction, scope: GuardrailScope, segments: Detector.Segments, anchorBit: UInt8? = nil) {
            // Built-in patterns are constants checked by the test suite; nil cannot happen in a
            // tested build, and skipping is safer than crashing the daemon if it ever did.
            guard let pattern else { return }
            detectors.append(Detector(kind: kind, rule: rule, action: action, scope: scope, segments: segments,
                                      pattern: pattern, window: window, anchorBit: anchorBit))
        }
        if let pii {
            for type in PIIType.allCases where pii.types.contains(type) {
                let segments: Detector.Segments = type == .secret ? .all : .allButToolDefinitions
                switch type {
                case .email: add(.email, type.ruleID, EmailDetector.pattern, window: EmailDetector.window, action: pii.action, scope: pii.scope, segments: segments)
                case .phone: add(.phone, type.ruleID, PhoneDetector.pattern, window: PhoneDetector.window, action: pii.action, scope: pii.scope, segments: segments)
                case .ssn: add(.ssn, type.ruleID, SSNDetector.pattern, window: SSNDetector.window, action: pii.action, scope: pii.scope, segments: segments)
                case .creditCard: add(.creditCard, type.ruleID, CreditCardDetector.pattern, window: CreditCardDetector.window, action: pii.action, scope: pii.scope, segments: segments)
                case .iban: add(.iban, type.ruleID, IBANDetector.pattern, window: IBANDetector.window, action: pii.action, scope: pii.scope, segments: segments)
                case .secret:
                    add(.secret, type.ruleID, SecretDetector.pattern, window: SecretDetector.window, action: pii.action, scope: pii.scope, segments: segments)
                    add(.jwt, type.ruleID, SecretDetector.jwtPattern, window: SecretDetector.jwtWindow, action: pii.action, scope: pii.scope, segments: segments)
                }
            }
        }
        if let injection {
            for signal in InjectionSignal.allCases {
                add(.injection(signal), Self.injectionRuleID, signal.pattern, window: InjectionDetector.window,
                    action: injection.action, scope: injection.scope, segments: .untrusted, anchorBit: signal.anchorBit)
            }
        }
        for rule in customRules {
            detectors.append(Detector(kind: .custom, rule: rule.ruleID, action: rule.action, scope: rule.scope,
                                      segments: .all, pattern: rule.pattern, window: Self.customRuleWindow))
        }
        self.detectors = detectors
    }

    public static let injectionRuleID = "injection"
    /// How far back a stream looks for a custom rule's match split across deltas; longer
    /// matches are found only when they arrive within one scan.
    public static let customRuleWindow = 512

    public var isEmpty: Bool { detectors.isEmpty }
    /// Whether any rule reads prompts (the gateway can skip extracting them otherwise).
    public var scansRequests: Bool { detectors.contains { $0.scope.includesRequest } }
    /// Whether any rule reads model output (the gateway can skip the stream scanner otherwise).
    public var scansResponses: Bool { detectors.contains { $0.scope.includesResponse } }

    var responseDetectors: [Detector] { detectors.filter { $0.scope.includesResponse } }

    /// Scans every segment of a request with the detectors that apply to it (see
    /// `Detector.Segments`): one finding per rule and segment, in segment order.
    public func scanRequest(_ content: PromptContent) -> [GuardrailFinding] {
        let requestDetectors = detectors.filter { $0.scope.includesRequest }
        guard !requestDetectors.isEmpty else { return [] }
        var findings: [GuardrailFinding] = []
        for (index, segment) in content.segments.enumerated() {
            let applicable = requestDetectors.filter { $0.segments.contains(segment) }
            guard !applicable.isEmpty, !segment.text.isEmpty else { continue }
            let accumulator = Self.scan(segment.text, with: applicable)
            for entry in accumulator.activeEntries {
                var finding = GuardrailFinding(entry, side: .request)
                finding.role = segment.role
                finding.kind = segment.kind
                finding.messageIndex = segment.messageIndex
                finding.segmentIndex = index
                findings.append(finding)
            }
        }
        return findings
    }

    /// Scans a model's complete output (see `OutputTextExtractor`): one finding per rule.
    public func scanResponse(_ text: String) -> [GuardrailFinding] {
        let responseDetectors = responseDetectors
        guard !responseDetectors.isEmpty, !text.isEmpty else { return [] }
        return Self.scan(text, with: responseDetectors).activeEntries.map { GuardrailFinding($0, side: .response) }
    }

    /// Scans a complete (non-streamed) response body: the text the model generated, read per
    /// provider and endpoint. A body that is not JSON yields no findings.
    public func scanResponse(provider: Provider, endpoint: Endpoint, body: [UInt8]) -> [GuardrailFinding] {
        guard scansResponses, let text = OutputTextExtractor.text(provider: provider, endpoint: endpoint, body: body) else { return [] }
        return scanResponse(text)
    }

    /// A scanner for a streamed response of this call.
    public func streamingScanner(provider: Provider, endpoint: Endpoint, format: StreamFormat) -> StreamingOutputScanner {
        StreamingOutputScanner(guardrails: self, provider: provider, endpoint: endpoint, format: format)
    }

    /// Runs `detectors` over one whole text (head and tail only past `maxScannedBytes`), by the
    /// same windowed procedure as a stream, so both find the same matches.
    static func scan(_ string: String, with detectors: [Detector]) -> FindingAccumulator {
        var accumulator = FindingAccumulator()
        let utf8 = string.utf8
        if utf8.count <= maxScannedBytes {
            scan(utf8, origin: 0, with: detectors, into: &accumulator, whole: string)
        } else {
            let bytes = Array(utf8)
            let half = maxScannedBytes / 2
            // Both cuts fall on character boundaries, so offsets stay those of the whole text.
            var headEnd = half
            while headEnd > 0, ByteClass.isContinuation(bytes[headEnd]) { headEnd -= 1 }
            var tailStart = bytes.count - half
            while tailStart < bytes.count, ByteClass.isContinuation(bytes[tailStart]) { tailStart += 1 }
            scan(bytes[..<headEnd], origin: 0, with: detectors, into: &accumulator)
            scan(bytes[tailStart...], origin: tailStart, with: detectors, into: &accumulator)
        }
        return accumulator
    }

    private static func scan(_ bytes: some Sequence<UInt8>, origin: Int, with detectors: [Detector],
                             into accumulator: inout FindingAccumulator, whole: String? = nil) {
        var scanner = IncrementalTextScanner(channel: 0, detectorCount: detectors.count, origin: origin)
        scanner.append(bytes, detectors: detectors, into: &accumulator, scanning: false) { _ in }
        scanner.finish(detectors: detectors, into: &accumulator, whole: whole) { _ in }
    }
}
