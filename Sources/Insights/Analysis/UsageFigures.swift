/// Additive usage measures of a group of calls, as the daily rollups keep them: counts,
/// tokens by kind, cost by kind (picodollars), latency sums, prompt sections and waste, and
/// the counters the recommendation checks read. Groups add up with `+`.
public struct UsageFigures: Sendable, Equatable {
    public var calls: Int64 = 0
    public var rateLimited: Int64 = 0
    public var fallbackAttempts: Int64 = 0
    public var inputTokens: Int64 = 0
    public var outputTokens: Int64 = 0
    public var cacheReadTokens: Int64 = 0
    public var cacheWriteTokens: Int64 = 0
    public var cacheWrite1hTokens: Int64 = 0
    public var reasoningTokens: Int64 = 0
    public var costPico: Int64 = 0
    public var costInputPico: Int64 = 0
    public var costOutputPico: Int64 = 0
    public var costReasoningPico: Int64 = 0
    public var costCacheReadPico: Int64 = 0
    public var costCacheWritePico: Int64 = 0
    public var cacheSavingsPico: Int64 = 0
    public var latencyMs: Double = 0
    public var ttftMs: Double = 0
    public var ttftCalls: Int64 = 0
    public var overheadMs: Double = 0
    /// Calls with a prompt analysis (heatmap and waste); the section sums cover only them.
    public var analysedCalls: Int64 = 0
    public var heatSystem: Int64 = 0
    public var heatTools: Int64 = 0
    public var heatContext: Int64 = 0
    public var heatHistory: Int64 = 0
    public var heatQuery: Int64 = 0
    public var wasteWhitespace: Int64 = 0
    public var wasteFiller: Int64 = 0
    public var wasteRepeated: Int64 = 0
    public var emptyMessages: Int64 = 0
    public var messageCount: Int64 = 0
    /// Successful calls whose system prompt and tools (≥ 1,024 tokens) read nothing from cache.
    public var uncachedSystemCalls: Int64 = 0
    public var uncachedSystemTokens: Int64 = 0
    /// Calls that set an output cap, the caps' sum, and the output of those calls.
    public var cappedCalls: Int64 = 0
    public var capTokens: Int64 = 0
    public var cappedOutputTokens: Int64 = 0
    /// Capped calls that used under 10% of their cap, and calls that hit it.
    public var capLowUseCalls: Int64 = 0
    public var capHitCalls: Int64 = 0
    /// Calls with a prompt above 32k tokens, and their tokens above 32k.
    public var largePromptCalls: Int64 = 0
    public var largePromptExcess: Int64 = 0
    /// Calls of 20 s or more, and answers of 1,000 tokens or more.
    public var slowCalls: Int64 = 0
    public var longOutputCalls: Int64 = 0

    public init() {}

    public var promptTokens: Int64 { inputTokens + cacheReadTokens + cacheWriteTokens }
    public var totalTokens: Int64 { promptTokens + outputTokens }
    public var heatTotal: Int64 { heatSystem + heatTools + heatContext + heatHistory + heatQuery }
    public var wasteTokens: Int64 { wasteWhitespace + wasteFiller + wasteRepeated }
    public var promptCostPico: Int64 { costInputPico + costCacheReadPico + costCacheWritePico }

    /// Share of prompt tokens served from cache.
    public var cacheHitRate: Double {
        promptTokens == 0 ? 0 : Double(cacheReadTokens) / Double(promptTokens)
    }

    /// What a prompt token cost on average in this group (picodollars), cached or not.
    public var promptRatePico: Double {
        promptTokens == 0 ? 0 : Double(promptCostPico) / Double(promptTokens)
    }

    public static func + (lhs: UsageFigures, rhs: UsageFigures) -> UsageFigures {
        var sum = lhs
        sum.calls += rhs.calls
        sum.rateLimited += rhs.rateLimited
        sum.fallbackAttempts += rhs.fallbackAttempts
        sum.inputTokens += rhs.inputTokens
        sum.outputTokens += rhs.outputTokens
        sum.cacheReadTokens += rhs.cacheReadTokens
        sum.cacheWriteTokens += rhs.cacheWriteTokens
        sum.cacheWrite1hTokens += rhs.cacheWrite1hTokens
        sum.reasoningTokens += rhs.reasoningTokens
        sum.costPico += rhs.costPico
        sum.costInputPico += rhs.costInputPico
        sum.costOutputPico += rhs.costOutputPico
        sum.costReasoningPico += rhs.costReasoningPico
        sum.costCacheReadPico += rhs.costCacheReadPico
        sum.costCacheWritePico += rhs.costCacheWritePico
        sum.cacheSavingsPico += rhs.cacheSavingsPico
        sum.latencyMs += rhs.latencyMs
        sum.ttftMs += rhs.ttftMs
        sum.ttftCalls += rhs.ttftCalls
        sum.overheadMs += rhs.overheadMs
        sum.analysedCalls += rhs.analysedCalls
        sum.heatSystem += rhs.heatSystem
        sum.heatTools += rhs.heatTools
        sum.heatContext += rhs.heatContext
        sum.heatHistory += rhs.heatHistory
        sum.heatQuery += rhs.heatQuery
        sum.wasteWhitespace += rhs.wasteWhitespace
        sum.wasteFiller += rhs.wasteFiller
        sum.wasteRepeated += rhs.wasteRepeated
        sum.emptyMessages += rhs.emptyMessages
        sum.messageCount += rhs.messageCount
        sum.uncachedSystemCalls += rhs.uncachedSystemCalls
        sum.uncachedSystemTokens += rhs.uncachedSystemTokens
        sum.cappedCalls += rhs.cappedCalls
        sum.capTokens += rhs.capTokens
        sum.cappedOutputTokens += rhs.cappedOutputTokens
        sum.capLowUseCalls += rhs.capLowUseCalls
        sum.capHitCalls += rhs.capHitCalls
        sum.largePromptCalls += rhs.largePromptCalls
        sum.largePromptExcess += rhs.largePromptExcess
        sum.slowCalls += rhs.slowCalls
        sum.longOutputCalls += rhs.longOutputCalls
        return sum
    }

    public static func += (lhs: inout UsageFigures, rhs: UsageFigures) { lhs = lhs + rhs }
}
