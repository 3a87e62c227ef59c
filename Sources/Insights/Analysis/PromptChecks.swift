import Recorder

/// Checks about what the prompts carry and how much of the output cap is used.
enum PromptChecks {
    /// Many prompts above 32k tokens: the estimate is the tokens above 32k at the source's
    /// average prompt-token price (what trimming context to 32k would save).
    static func promptSize(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.byModel { $0.succeeded }.compactMap { key, figures in
            guard figures.largePromptCalls >= limits.largePromptCalls,
                  Double(figures.largePromptCalls) >= limits.largePromptShare * Double(figures.calls) else { return nil }
            let saving = Int64((Double(figures.largePromptExcess) * figures.promptRatePico).rounded())
            let monthly = input.monthly(saving)
            guard monthly >= limits.minimumMonthlySavingPico else { return nil }
            let average = figures.promptTokens / max(figures.calls, 1)
            return Recommendation(
                check: .promptSize, title: "Very large prompts",
                detail: "\(figures.largePromptCalls) of \(figures.calls) calls of \(key.source) to \(key.model ?? "?") sent more than 32k prompt tokens (average \(average)). Retrieve fewer or smaller documents, or summarise context, to keep prompts under 32k.",
                source: key.source, provider: key.provider, model: key.model, windowSavingPico: saving,
                monthlySavingPico: monthly,
                figures: [EvidenceFigure("large_prompt_calls", Double(figures.largePromptCalls)),
                          EvidenceFigure("calls", Double(figures.calls)),
                          EvidenceFigure("avg_prompt_tokens", Double(average)),
                          EvidenceFigure("tokens_above_32k", Double(figures.largePromptExcess))])
        }
    }

    /// Whitespace, filler and repeated text in the prompts, priced at the average prompt
    /// token price.
    static func waste(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.byModel { $0.succeeded }.compactMap { key, figures in
            let waste = figures.wasteTokens
            guard figures.analysedCalls > 0, waste >= limits.minimumWasteTokens,
                  Double(waste) >= limits.wasteShare * Double(figures.heatTotal) else { return nil }
            let saving = Int64((Double(waste) * figures.promptRatePico).rounded())
            let monthly = input.monthly(saving)
            guard monthly >= limits.minimumMonthlySavingPico else { return nil }
            let share = figures.heatTotal == 0 ? 0 : Double(waste) / Double(figures.heatTotal)
            return Recommendation(
                check: .waste, title: "Wasted prompt tokens",
                detail: "\(MoneyText.percent(share)) of \(key.source)'s prompt tokens to \(key.model ?? "?") are waste: \(figures.wasteWhitespace) whitespace, \(figures.wasteFiller) filler, \(figures.wasteRepeated) repeated, and \(figures.emptyMessages) empty messages. Normalise whitespace and drop repeated instructions before sending.",
                source: key.source, provider: key.provider, model: key.model, windowSavingPico: saving,
                monthlySavingPico: monthly,
                figures: [EvidenceFigure("waste_tokens", Double(waste)), EvidenceFigure("waste_share", MoneyText.rounded(share)),
                          EvidenceFigure("whitespace_tokens", Double(figures.wasteWhitespace)),
                          EvidenceFigure("filler_tokens", Double(figures.wasteFiller)),
                          EvidenceFigure("repeated_tokens", Double(figures.wasteRepeated)),
                          EvidenceFigure("empty_messages", Double(figures.emptyMessages))])
        }
    }

    /// Conversation history above 60% of the prompt: the estimate is half the history tokens
    /// at the average prompt token price (summarising older turns to half their size).
    static func historyBloat(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.byModel { $0.succeeded }.compactMap { key, figures in
            guard figures.analysedCalls >= limits.minimumAnalysedCalls, figures.heatTotal > 0 else { return nil }
            let share = Double(figures.heatHistory) / Double(figures.heatTotal)
            guard share > limits.historyShare else { return nil }
            let saving = Int64((Double(figures.heatHistory) / 2 * figures.promptRatePico).rounded())
            let monthly = input.monthly(saving)
            guard monthly >= limits.minimumMonthlySavingPico else { return nil }
            return Recommendation(
                check: .historyBloat, title: "Conversation history dominates the prompt",
                detail: "History is \(MoneyText.percent(share)) of \(key.source)'s prompt tokens to \(key.model ?? "?") (\(figures.messageCount / max(figures.analysedCalls, 1)) messages a call on average). Summarise or drop older turns.",
                source: key.source, provider: key.provider, model: key.model, windowSavingPico: saving,
                monthlySavingPico: monthly,
                figures: [EvidenceFigure("history_share", MoneyText.rounded(share)),
                          EvidenceFigure("history_tokens", Double(figures.heatHistory)),
                          EvidenceFigure("analysed_calls", Double(figures.analysedCalls)),
                          EvidenceFigure("avg_messages", Double(figures.messageCount) / Double(max(figures.analysedCalls, 1)))])
        }
    }

    /// `max_tokens` far above what the calls use. The cap does not change what a call costs,
    /// so no saving is claimed; an honest cap bounds runaway answers and keeps budget
    /// reservations (which hold the worst case) from refusing calls early.
    static func outputUtilization(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.byModel { $0.succeeded }.compactMap { key, figures in
            guard figures.cappedCalls >= limits.minimumCappedCalls,
                  Double(figures.capLowUseCalls) >= limits.lowUseShare * Double(figures.cappedCalls),
                  figures.capTokens > 0 else { return nil }
            let utilization = Double(figures.cappedOutputTokens) / Double(figures.capTokens)
            let averageCap = figures.capTokens / figures.cappedCalls
            let averageOutput = figures.cappedOutputTokens / figures.cappedCalls
            let suggested = max(256, ((averageOutput * 4 + 255) / 256) * 256)
            return Recommendation(
                check: .outputUtilization, title: "Output cap far above use",
                detail: "\(key.source)'s calls to \(key.model ?? "?") ask for up to \(averageCap) output tokens but use \(averageOutput) on average (\(MoneyText.percent(utilization)) of the cap). A cap near \(suggested) bounds runaway answers and keeps budget reservations honest.",
                source: key.source, provider: key.provider, model: key.model, windowSavingPico: 0, monthlySavingPico: 0,
                figures: [EvidenceFigure("capped_calls", Double(figures.cappedCalls)),
                          EvidenceFigure("avg_max_tokens", Double(averageCap)),
                          EvidenceFigure("avg_output_tokens", Double(averageOutput)),
                          EvidenceFigure("utilization", MoneyText.rounded(utilization)),
                          EvidenceFigure("suggested_max_tokens", Double(suggested))])
        }
    }
}
