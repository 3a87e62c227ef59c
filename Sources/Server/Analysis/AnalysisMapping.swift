import Insights
import Recorder

/// Recorder rows to the value types the pure analyses take.
extension UsageFigures {
    init(_ measures: UsageMeasures) {
        self.init()
        calls = measures.calls
        rateLimited = measures.rateLimited
        fallbackAttempts = measures.fallbackAttempts
        inputTokens = measures.inputTokens
        outputTokens = measures.outputTokens
        cacheReadTokens = measures.cacheReadTokens
        cacheWriteTokens = measures.cacheWriteTokens
        cacheWrite1hTokens = measures.cacheWrite1hTokens
        reasoningTokens = measures.reasoningTokens
        costPico = measures.costPico
        costInputPico = measures.costInputPico
        costOutputPico = measures.costOutputPico
        costReasoningPico = measures.costReasoningPico
        costCacheReadPico = measures.costCacheReadPico
        costCacheWritePico = measures.costCacheWritePico
        cacheSavingsPico = measures.cacheSavingsPico
        latencyMs = measures.latencyMs
        ttftMs = measures.ttftMs
        ttftCalls = measures.ttftCalls
        overheadMs = measures.overheadMs
        analysedCalls = measures.analysedCalls
        heatSystem = measures.heatSystem
        heatTools = measures.heatTools
        heatContext = measures.heatContext
        heatHistory = measures.heatHistory
        heatQuery = measures.heatQuery
        wasteWhitespace = measures.wasteWhitespace
        wasteFiller = measures.wasteFiller
        wasteRepeated = measures.wasteRepeated
        emptyMessages = measures.emptyMessages
        messageCount = measures.messageCount
        uncachedSystemCalls = measures.uncachedSystemCalls
        uncachedSystemTokens = measures.uncachedSystemTokens
        cappedCalls = measures.cappedCalls
        capTokens = measures.capTokens
        cappedOutputTokens = measures.cappedOutputTokens
        capLowUseCalls = measures.capLowUseCalls
        capHitCalls = measures.capHitCalls
        largePromptCalls = measures.largePromptCalls
        largePromptExcess = measures.largePromptExcess
        slowCalls = measures.slowCalls
        longOutputCalls = measures.longOutputCalls
    }
}

extension UsageGroup {
    init(_ slice: UsageSlice, plan: RollupPlan) {
        self.init(day: slice.day, provider: slice.provider, source: slice.source, model: slice.model,
                  stream: slice.stream, outcome: slice.outcome, serviceTier: slice.serviceTier, priced: slice.priced,
                  bracketPromptTokens: plan.representativePromptTokens(bracket: slice.bracket ?? 0),
                  figures: UsageFigures(slice.measures))
    }
}

extension ComplexityGroup {
    init(_ slice: ComplexitySlice, plan: RollupPlan) {
        var figures = UsageFigures()
        figures.calls = slice.calls
        figures.inputTokens = slice.inputTokens
        figures.outputTokens = slice.outputTokens
        figures.cacheReadTokens = slice.cacheReadTokens
        figures.cacheWriteTokens = slice.cacheWriteTokens
        figures.cacheWrite1hTokens = slice.cacheWrite1hTokens
        figures.reasoningTokens = slice.reasoningTokens
        figures.costPico = slice.costPico
        self.init(complexity: slice.complexity,
                  group: UsageGroup(provider: slice.provider, source: slice.source, model: slice.model,
                                    serviceTier: slice.serviceTier, priced: slice.priced,
                                    bracketPromptTokens: plan.representativePromptTokens(bracket: slice.bracket),
                                    figures: figures))
    }
}
