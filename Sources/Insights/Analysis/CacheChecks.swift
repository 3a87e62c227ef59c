import Providers
import Recorder

/// Checks about prompt caching.
enum CacheChecks {
    /// Caching that loses money: the premium paid on cache writes is more than the cache reads
    /// saved (the written prefix is rarely read back). The saving is that net loss.
    static func cacheUtilization(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.byModel { $0.succeeded }.compactMap { key, figures in
            guard figures.cacheWriteTokens >= limits.minimumCacheWriteTokens, figures.cacheSavingsPico < 0 else { return nil }
            let loss = -figures.cacheSavingsPico
            let monthly = input.monthly(loss)
            guard monthly >= limits.minimumMonthlySavingPico else { return nil }
            let readsPerWrite = Double(figures.cacheReadTokens) / Double(figures.cacheWriteTokens)
            return Recommendation(
                check: .cacheUtilization, title: "Cache writes are not paying off",
                detail: "\(key.source) wrote \(figures.cacheWriteTokens) tokens to the prompt cache on \(key.model ?? "?") but read back only \(MoneyText.rounded(readsPerWrite, 2))× that; the write premium cost \(MoneyText.usd(loss)) more than the reads saved. Keep the cached prefix stable, or stop marking it for caching.",
                source: key.source, provider: key.provider, model: key.model, windowSavingPico: loss,
                monthlySavingPico: monthly,
                figures: [EvidenceFigure("cache_write_tokens", Double(figures.cacheWriteTokens)),
                          EvidenceFigure("cache_read_tokens", Double(figures.cacheReadTokens)),
                          EvidenceFigure("reads_per_write", MoneyText.rounded(readsPerWrite)),
                          EvidenceFigure("net_cache_savings_usd", Double(figures.cacheSavingsPico) / 1e12)])
        }
    }

    /// Long system prompts and tool lists (≥ 1,024 tokens) sent again and again with nothing
    /// read from cache. The estimate assumes caching would serve 90% of those tokens from cache
    /// and write the other 10% (one write per ten calls).
    static func uncachedSystemPrompt(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.byModel { $0.succeeded }.compactMap { key, figures in
            guard figures.uncachedSystemCalls >= limits.uncachedSystemCalls,
                  Double(figures.uncachedSystemCalls) >= limits.uncachedSystemShare * Double(figures.calls),
                  let priced = input.rates(key.model), let inputRate = priced.rates.input, let read = priced.rates.cacheRead
            else { return nil }
            let write = priced.rates.cacheWrite ?? (priced.price.provider == "anthropic" ? inputRate * 5 / 4 : inputRate)
            let perToken = 0.9 * Double(inputRate - read) - 0.1 * Double(write - inputRate)
            let saving = Int64((Double(figures.uncachedSystemTokens) * perToken).rounded())
            let monthly = input.monthly(saving)
            guard saving > 0, monthly >= limits.minimumMonthlySavingPico else { return nil }
            let average = figures.uncachedSystemTokens / max(figures.uncachedSystemCalls, 1)
            return Recommendation(
                check: .uncachedSystemPrompt, title: "Long system prompt sent without caching",
                detail: "\(figures.uncachedSystemCalls) of \(figures.calls) calls of \(key.source) to \(key.model ?? "?") carried a system prompt and tools of about \(average) tokens and read nothing from cache. Put the stable part first and mark it cacheable (Anthropic cache_control; OpenAI and Gemini cache a stable prefix automatically).",
                source: key.source, provider: key.provider, model: key.model, windowSavingPico: saving,
                monthlySavingPico: monthly,
                figures: [EvidenceFigure("uncached_calls", Double(figures.uncachedSystemCalls)),
                          EvidenceFigure("calls", Double(figures.calls)),
                          EvidenceFigure("avg_system_tokens", Double(average)),
                          EvidenceFigure("uncached_system_tokens", Double(figures.uncachedSystemTokens))])
        }
    }

    /// Sessions whose cache reads fell to zero after being high (see `CacheBreakDetector`).
    static func cacheBreaks(_ input: RecommendationInput, _ limits: RecommendationThresholds) -> [Recommendation] {
        input.patterns.summaries(.cacheBreak).compactMap { summary in
            let monthly = input.monthly(summary.extraCostPico)
            guard monthly >= limits.minimumMonthlySavingPico else { return nil }
            return Recommendation(
                check: .cacheBreaks, title: "Prompt cache breaks mid-session",
                detail: "\(summary.count) time(s) a session of \(summary.source) went from mostly cached prompts to none, re-sending the prefix at full price (\(MoneyText.usd(summary.extraCostPico))). Look for a timestamp, a reordered tool list or an edited system prompt in the prefix, or pauses longer than the cache lifetime.",
                source: summary.source, windowSavingPico: summary.extraCostPico, monthlySavingPico: monthly,
                figures: [EvidenceFigure("breaks", Double(summary.count)),
                          EvidenceFigure("sessions", Double(summary.sessions))],
                callIDs: summary.exampleCallIDs)
        }
    }
}
