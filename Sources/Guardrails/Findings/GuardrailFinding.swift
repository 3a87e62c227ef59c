import Providers

/// One rule that fired on one piece of text: a prompt segment, or the model's output. Repeated
/// matches of the same rule in the same text are folded into one finding (`occurrences`) so a
/// prompt full of addresses records one line, not thousands. `sample` is always masked.
public struct GuardrailFinding: Sendable, Equatable, Hashable {
    /// `pii.email`, `pii.credit_card`, …, `injection`, or `custom.<name>`.
    public var rule: String
    public var action: GuardrailAction
    public var side: GuardrailSide
    /// Where in the request the text sat; nil for response findings.
    public var role: PromptSegment.Role?
    public var kind: PromptSegment.Kind?
    public var messageIndex: Int?
    /// Position of the segment in `PromptContent.segments`; nil for response findings.
    public var segmentIndex: Int?
    /// What matched, masked (`j***@e***.com`, `**** **** **** 4242`, `sk-proj-****Wx3Q`).
    public var sample: String
    /// A finer label where the rule has one: the credential kind of `pii.secret`
    /// (`github_token`), the signal of `injection` (`instruction_override`).
    public var detail: String?
    /// How many matches of the rule the text held.
    public var occurrences: Int

    public init(rule: String, action: GuardrailAction, side: GuardrailSide, role: PromptSegment.Role? = nil,
                kind: PromptSegment.Kind? = nil, messageIndex: Int? = nil, segmentIndex: Int? = nil,
                sample: String, detail: String? = nil, occurrences: Int = 1) {
        self.rule = rule
        self.action = action
        self.side = side
        self.role = role
        self.kind = kind
        self.messageIndex = messageIndex
        self.segmentIndex = segmentIndex
        self.sample = sample
        self.detail = detail
        self.occurrences = occurrences
    }

    public var blocks: Bool { action == .block }
}

extension Array where Element == GuardrailFinding {
    /// Whether any finding asks for the call to be stopped.
    public var blocks: Bool { contains { $0.blocks } }

    /// The finding that decides a block (the first one, in text order).
    public var firstBlocking: GuardrailFinding? { first { $0.blocks } }

    /// The rule ids that fired, in order, without repeats (for the call record).
    public var ruleIDs: [String] {
        var seen = Set<String>()
        return compactMap { seen.insert($0.rule).inserted ? $0.rule : nil }
    }
}
