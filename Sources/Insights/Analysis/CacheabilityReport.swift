/// How well a prompt trace would use prompt caching: how much of each request repeats the
/// one before as a prefix (what a provider's cache can serve), which parts are stable and
/// which change, a 0–100 score and what to change.
public struct CacheabilityReport: Sendable, Equatable {
    /// A prompt part of the last request.
    public struct Part: Sendable, Equatable {
        public var role: String
        public var kind: String
        public var messageIndex: Int
        public var tokens: Int
        /// Repeated from the previous request as part of the shared prefix (for a single
        /// request: it comes before the final user message, so the next turn re-sends it).
        public var stable: Bool
        public var preview: String
    }

    public struct Suggestion: Sendable, Equatable {
        public var code: String
        public var message: String
        public var tokens: Int?
    }

    public var requests: Int
    public var promptTokens: Int
    /// Prefix tokens repeated from the request before (single request: the part before the
    /// final user message).
    public var repeatedPrefixTokens: Int
    public var repeatedPrefixShare: Double
    public var stableTokens: Int
    public var changingTokens: Int
    public var score: Int
    public var parts: [Part]
    /// Where the prefix first changes between consecutive requests, if it does before the end.
    public var firstChange: String?
    public var volatileValues: [String]
    public var suggestions: [Suggestion]
    /// True when token counts are estimates (four bytes a token) rather than a tokenizer's.
    public var estimatedTokens: Bool
}
