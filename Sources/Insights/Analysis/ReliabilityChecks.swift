import Recorder

/// Checks about failed, repeated and slow calls.
enum ReliabilityChecks {
    /// Retry loops (see `RetryLoopDetector`): every send after the first is the saving.
    static func retryLoops(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.patterns.summaries(.retryLoop).map { summary in
            Recommendation(
                check: .retryLoops, title: "Retry loop",
                detail: "\(summary.source) sent the same request 3 or more times within seconds, \(summary.count) time(s) (\(summary.calls) calls). Back off exponentially, cap retries, and check why the first answer was not accepted.",
                source: summary.source, windowSavingPico: summary.extraCostPico,
                monthlySavingPico: input.monthly(summary.extraCostPico),
                figures: [EvidenceFigure("loops", Double(summary.count)), EvidenceFigure("calls", Double(summary.calls)),
                          EvidenceFigure("extra_cost_usd", Double(summary.extraCostPico) / 1e12)],
                callIDs: summary.exampleCallIDs)
        }
    }

    /// Identical successful requests repeated within the hour: dedup (`[dedup] enabled`) or a
    /// client-side cache would answer them for free.
    static func duplicateRequests(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.patterns.summaries(.duplicateRequest).compactMap { summary in
            let repeats = summary.calls - summary.count
            let monthly = input.monthly(summary.extraCostPico)
            guard repeats >= limits.minimumDuplicates, monthly >= limits.minimumMonthlySavingPico else { return nil }
            return Recommendation(
                check: .duplicateRequests, title: "Identical requests paid for again",
                detail: "\(summary.source) repeated \(summary.count) successful request(s) \(repeats) times within an hour, paying \(MoneyText.usd(summary.extraCostPico)) for answers it already had. Enable [dedup] in config.toml or cache answers in the client.",
                source: summary.source, windowSavingPico: summary.extraCostPico, monthlySavingPico: monthly,
                figures: [EvidenceFigure("requests", Double(summary.count)), EvidenceFigure("repeats", Double(repeats))],
                callIDs: summary.exampleCallIDs)
        }
    }

    /// A high share of calls failing at the provider. The saving is what the failed calls
    /// still cost (tokens billed before a failure), usually small: the real cost is latency
    /// and retries.
    static func errorRate(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        struct Key: Hashable, Comparable {
            var source: String
            var provider: String
            static func < (lhs: Key, rhs: Key) -> Bool { (lhs.source, lhs.provider) < (rhs.source, rhs.provider) }
        }
        var reached: [Key: (calls: Int64, failed: Int64, failedCost: Int64, rateLimited: Int64)] = [:]
        for group in input.groups where group.reachedProvider {
            let key = Key(source: group.source ?? "", provider: group.provider ?? "")
            var entry = reached[key] ?? (0, 0, 0, 0)
            entry.calls += group.figures.calls
            entry.rateLimited += group.figures.rateLimited
            if group.outcome == "upstream_error" {
                entry.failed += group.figures.calls
                entry.failedCost += group.figures.costPico
            }
            reached[key] = entry
        }
        return reached.keys.sorted().compactMap { key in
            guard let entry = reached[key], entry.calls >= limits.minimumCallsForErrorRate else { return nil }
            let rate = Double(entry.failed) / Double(entry.calls)
            guard rate > limits.errorRate else { return nil }
            return Recommendation(
                check: .errorRate, title: "High error rate",
                detail: "\(MoneyText.percent(rate)) of \(key.source)'s calls to \(key.provider) failed (\(entry.failed) of \(entry.calls); \(entry.rateLimited) rate-limited). Add a fallback chain, slow down on 429s, and check the failing requests.",
                source: key.source, provider: key.provider, windowSavingPico: entry.failedCost,
                monthlySavingPico: input.monthly(entry.failedCost),
                figures: [EvidenceFigure("calls", Double(entry.calls)), EvidenceFigure("failed", Double(entry.failed)),
                          EvidenceFigure("error_rate", MoneyText.rounded(rate)),
                          EvidenceFigure("rate_limited", Double(entry.rateLimited))])
        }
    }

    /// Slow answers (≥ 20 s) requested without streaming: clients time out and pay for answers
    /// they never read. The saving is what the non-streamed calls that the client abandoned
    /// cost.
    static func streaming(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        let nonStream = input.byModel { $0.stream == false && ($0.succeeded || $0.outcome == "client_cancelled") }
        let abandoned = Dictionary(uniqueKeysWithValues: input.byModel { $0.stream == false && $0.outcome == "client_cancelled" }
            .map { ($0.key, $0.figures) })
        return nonStream.compactMap { key, figures in
            guard figures.calls >= limits.minimumNonStreamCalls,
                  Double(figures.slowCalls) >= limits.slowShare * Double(figures.calls) else { return nil }
            let cancelled = abandoned[key] ?? UsageFigures()
            let averageSeconds = figures.latencyMs / Double(figures.calls) / 1000
            return Recommendation(
                check: .streaming, title: "Slow answers without streaming",
                detail: "\(figures.slowCalls) of \(figures.calls) non-streamed calls of \(key.source) to \(key.model ?? "?") took 20 s or more (average \(Int(averageSeconds.rounded())) s; \(figures.longOutputCalls) answers of 1,000+ tokens). Stream them: the first tokens arrive at once, and timeouts stop discarding paid answers (\(cancelled.calls) abandoned).",
                source: key.source, provider: key.provider, model: key.model, windowSavingPico: cancelled.costPico,
                monthlySavingPico: input.monthly(cancelled.costPico),
                figures: [EvidenceFigure("non_stream_calls", Double(figures.calls)),
                          EvidenceFigure("slow_calls", Double(figures.slowCalls)),
                          EvidenceFigure("avg_latency_s", MoneyText.rounded(averageSeconds, 1)),
                          EvidenceFigure("long_output_calls", Double(figures.longOutputCalls)),
                          EvidenceFigure("abandoned_calls", Double(cancelled.calls))])
        }
    }
}
