/// Result shapes of the usage queries. Money is in picodollars here; the API converts.
public struct UsageTotals: Sendable, Equatable {
    public var calls: Int64 = 0
    public var pricedCalls: Int64 = 0
    public var errors: Int64 = 0
    public var blocked: Int64 = 0
    public var cancelled: Int64 = 0
    public var inputTokens: Int64 = 0
    public var outputTokens: Int64 = 0
    public var cacheReadTokens: Int64 = 0
    public var cacheWriteTokens: Int64 = 0
    public var reasoningTokens: Int64 = 0
    public var costPico: Int64 = 0
    public var costInputPico: Int64 = 0
    public var costOutputPico: Int64 = 0
    public var costReasoningPico: Int64 = 0
    public var costCacheReadPico: Int64 = 0
    public var costCacheWritePico: Int64 = 0
    public var cacheSavingsPico: Int64 = 0
    public var latencyMsSum: Double = 0

    public init() {}

    public var unpricedCalls: Int64 { calls - pricedCalls }
    public var averageLatencyMs: Double { calls == 0 ? 0 : latencyMsSum / Double(calls) }
    /// Share of prompt tokens served from cache.
    public var cacheHitRate: Double {
        let prompt = inputTokens + cacheReadTokens + cacheWriteTokens
        return prompt == 0 ? 0 : Double(cacheReadTokens) / Double(prompt)
    }
}

public struct DailyUsage: Sendable, Equatable {
    public var date: String
    public var totals: UsageTotals
}

public struct SourceUsage: Sendable, Equatable {
    public var source: String
    public var totals: UsageTotals
    public var lastSeenMicros: Int64
    public var models: [String]
}

public struct RecentFilter: Sendable, Equatable {
    public var limit: Int = 50
    public var source: String?
    public var provider: String?
    public var model: String?
    public var outcome: String?
    /// Only calls older than this id (for paging back through history).
    public var beforeId: String?

    public init(limit: Int = 50, source: String? = nil, provider: String? = nil, model: String? = nil,
                outcome: String? = nil, beforeId: String? = nil) {
        self.limit = limit
        self.source = source
        self.provider = provider
        self.model = model
        self.outcome = outcome
        self.beforeId = beforeId
    }
}

public struct ModelUsage: Sendable, Equatable {
    /// The model that answered (or was asked for); empty when the call named none.
    public var model: String
    public var provider: String
    public var totals: UsageTotals
}

/// Prompt waste measured over the analysed calls of a window (`RequestAnalysis`), with its
/// estimated cost at each call's own input rate.
public struct WasteTotals: Sendable, Equatable {
    public var analysedCalls: Int64 = 0
    public var callsWithWaste: Int64 = 0
    public var whitespaceTokens: Int64 = 0
    public var fillerTokens: Int64 = 0
    public var repeatedTokens: Int64 = 0
    public var emptyMessages: Int64 = 0
    public var promptTokens: Int64 = 0
    public var costPico: Int64 = 0

    public init() {}

    public var tokens: Int64 { whitespaceTokens + fillerTokens + repeatedTokens }
    /// Waste as a share of the analysed prompt tokens.
    public var share: Double { promptTokens == 0 ? 0 : Double(tokens) / Double(promptTokens) }
}
