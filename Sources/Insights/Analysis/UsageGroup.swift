import Recorder

/// Usage of the calls sharing some keys (nil where the view did not group by a key).
public struct UsageGroup: Sendable, Equatable {
    public var day: Int64?
    public var provider: String?
    public var source: String?
    public var model: String?
    public var stream: Bool?
    public var outcome: String?
    public var serviceTier: String?
    public var priced: Bool?
    /// A prompt size inside the group's long-context bracket: the rates it was billed at are
    /// the rates of a prompt this long.
    public var bracketPromptTokens: Int64
    public var figures: UsageFigures

    public init(day: Int64? = nil, provider: String? = nil, source: String? = nil, model: String? = nil,
                stream: Bool? = nil, outcome: String? = nil, serviceTier: String? = nil, priced: Bool? = nil,
                bracketPromptTokens: Int64 = 0, figures: UsageFigures) {
        self.day = day
        self.provider = provider
        self.source = source
        self.model = model
        self.stream = stream
        self.outcome = outcome
        self.serviceTier = serviceTier
        self.priced = priced
        self.bracketPromptTokens = bracketPromptTokens
        self.figures = figures
    }

    public var succeeded: Bool { outcome == "ok" || outcome == "guardrail_warned" }
    public var reachedProvider: Bool { outcome != "blocked" }
}
