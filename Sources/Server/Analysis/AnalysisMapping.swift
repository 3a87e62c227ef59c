import Insights
import Recorder

/// Recorder rows to the value types the pure analyses take.
extension UsageGroup {
    init(_ slice: UsageSlice, plan: RollupPlan) {
        self.init(day: slice.day, provider: slice.provider, source: slice.source, model: slice.model,
                  stream: slice.stream, outcome: slice.outcome, serviceTier: slice.serviceTier, priced: slice.priced,
                  bracketPromptTokens: plan.representativePromptTokens(bracket: slice.bracket ?? 0),
                  figures: slice.measures)
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
