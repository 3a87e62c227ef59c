import Providers
import Recorder

/// Checks about which models are used and how they are priced.
enum ModelChecks {
    /// An expensive model serving simple calls, where a cheaper model of the same provider is
    /// trusted with their complexity (see `RightSizer`): the saving is exact, from re-pricing
    /// the calls' tokens at the suggested model.
    static func rightSizing(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.rightSizing.compactMap { sizing in
            guard let suggestion = sizing.suggestion else { return nil }
            let monthly = input.monthly(suggestion.savingPico)
            guard monthly >= limits.minimumMonthlySavingPico else { return nil }
            let simpleShare = sizing.calls == 0 ? 0 : Double(sizing.simpleCalls) / Double(sizing.calls)
            return Recommendation(
                check: .rightSizing, title: "Cheaper model fits these calls",
                detail: "\(MoneyText.percent(simpleShare)) of \(sizing.source)'s \(sizing.calls) calls to \(sizing.model ?? "?") are simple (complexity ≤ 3; 90% are ≤ \(sizing.p90)). \(suggestion.model) handles complexity up to \(suggestion.maxComplexity) and would have cost \(MoneyText.usd(suggestion.costPico)) instead of \(MoneyText.usd(sizing.costPico)).",
                source: sizing.source, provider: sizing.provider, model: sizing.model,
                windowSavingPico: suggestion.savingPico, monthlySavingPico: monthly,
                figures: [EvidenceFigure("calls", Double(sizing.calls)), EvidenceFigure("p50_complexity", Double(sizing.p50)),
                          EvidenceFigure("p90_complexity", Double(sizing.p90)),
                          EvidenceFigure("simple_share", MoneyText.rounded(simpleShare)),
                          EvidenceFigure("cost_usd", Double(sizing.costPico) / 1e12),
                          EvidenceFigure("suggested_cost_usd", Double(suggestion.costPico) / 1e12)],
                suggestedModel: suggestion.model)
        }
    }

    /// Models the price table cannot price: their spend is missing from every total and
    /// budget. No saving; add a `[pricing."model"]` entry.
    static func unpricedModels(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        var byModel: [String: (calls: Int64, tokens: Int64, sources: Set<String>)] = [:]
        for group in input.groups where group.priced == false && group.figures.totalTokens > 0 {
            let model = group.model ?? "(none)"
            var entry = byModel[model] ?? (0, 0, [])
            entry.calls += group.figures.calls
            entry.tokens += group.figures.totalTokens
            if let source = group.source { entry.sources.insert(source) }
            byModel[model] = entry
        }
        return byModel.keys.sorted().compactMap { model in
            guard let entry = byModel[model] else { return nil }
            return Recommendation(
                check: .unpricedModels, title: "Model without a price",
                detail: "\(entry.calls) calls to \(model) (\(entry.tokens) tokens, from \(entry.sources.sorted().joined(separator: ", "))) are not in the price table, so their cost is missing from every total and budget. Add [pricing.\"\(model)\"] to config.toml or import a newer table.",
                model: model, windowSavingPico: 0, monthlySavingPico: 0,
                figures: [EvidenceFigure("calls", Double(entry.calls)), EvidenceFigure("tokens", Double(entry.tokens))])
        }
    }

    /// Most of the output is reasoning: if the tasks allow, a lower reasoning effort (or
    /// thinking budget) halves it; the estimate is half the reasoning cost.
    static func reasoningOverhead(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.byModel { $0.succeeded }.compactMap { key, figures in
            guard figures.outputTokens >= limits.minimumReasoningOutputTokens,
                  Double(figures.reasoningTokens) >= limits.reasoningShare * Double(figures.outputTokens) else { return nil }
            let saving = figures.costReasoningPico / 2
            let monthly = input.monthly(saving)
            guard monthly >= limits.minimumMonthlySavingPico else { return nil }
            let share = Double(figures.reasoningTokens) / Double(figures.outputTokens)
            return Recommendation(
                check: .reasoningOverhead, title: "Most output tokens are reasoning",
                detail: "\(MoneyText.percent(share)) of \(key.source)'s output on \(key.model ?? "?") is reasoning (\(MoneyText.usd(figures.costReasoningPico))). If these tasks are routine, a lower reasoning effort or thinking budget would roughly halve it.",
                source: key.source, provider: key.provider, model: key.model, windowSavingPico: saving,
                monthlySavingPico: monthly,
                figures: [EvidenceFigure("reasoning_tokens", Double(figures.reasoningTokens)),
                          EvidenceFigure("output_tokens", Double(figures.outputTokens)),
                          EvidenceFigure("reasoning_share", MoneyText.rounded(share)),
                          EvidenceFigure("reasoning_cost_usd", Double(figures.costReasoningPico) / 1e12)])
        }
    }
}
