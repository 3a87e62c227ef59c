/// The limits the recommendation checks apply; the defaults keep them silent on healthy use.
public struct RecommendationThresholds: Sendable, Equatable {
    /// A finding with a saving is reported only from this much a month (picodollars; 10 cents).
    public var minimumMonthlySavingPico: Int64 = 100_000_000_000
    /// Cache writes worth judging (tokens in the window).
    public var minimumCacheWriteTokens: Int64 = 10_000
    /// Uncached long system prompts: at least this many calls, and this share of the calls.
    public var uncachedSystemCalls: Int64 = 5
    public var uncachedSystemShare = 0.5
    /// Prompts above 32k tokens: at least this many calls, and this share.
    public var largePromptCalls: Int64 = 5
    public var largePromptShare = 0.2
    /// Waste: at least this share of the analysed prompt tokens, and this many tokens.
    public var wasteShare = 0.05
    public var minimumWasteTokens: Int64 = 1_000
    /// History bloat: history above this share of the prompt, over this many analysed calls.
    public var historyShare = 0.6
    public var minimumAnalysedCalls: Int64 = 5
    /// Output caps: over this many capped calls, this share using under 10% of the cap.
    public var minimumCappedCalls: Int64 = 10
    public var lowUseShare = 0.8
    /// Error rate above this share, over this many calls that reached the provider.
    public var errorRate = 0.05
    public var minimumCallsForErrorRate: Int64 = 20
    /// Non-streamed calls: at least this many, this share of them slow (≥ 20 s).
    public var minimumNonStreamCalls: Int64 = 5
    public var slowShare = 0.2
    /// Reasoning: this share of the output, over this many output tokens.
    public var reasoningShare = 0.7
    public var minimumReasoningOutputTokens: Int64 = 10_000
    /// Duplicate requests: at least this many repeats.
    public var minimumDuplicates = 3

    public init() {}
}
