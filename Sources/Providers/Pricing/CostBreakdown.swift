/// A call's cost split by token kind, in picodollars. The parts add up to `total`; the split
/// feeds the per-day "cost by token type" views.
public struct CostBreakdown: Sendable, Equatable, Hashable, Codable {
    public var input: Int64
    public var output: Int64
    public var reasoning: Int64
    public var cacheRead: Int64
    public var cacheWrite: Int64
    /// What the cached tokens would have cost at the uncached input rate, minus what they did
    /// cost: the saving prompt caching bought on this call (negative when writes cost more).
    public var cacheSavings: Int64

    public init(input: Int64 = 0, output: Int64 = 0, reasoning: Int64 = 0, cacheRead: Int64 = 0,
                cacheWrite: Int64 = 0, cacheSavings: Int64 = 0) {
        self.input = input
        self.output = output
        self.reasoning = reasoning
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cacheSavings = cacheSavings
    }

    public var total: Int64 { input + output + reasoning + cacheRead + cacheWrite }
}
