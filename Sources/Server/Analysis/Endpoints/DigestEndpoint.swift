import Insights
import Recorder

/// `GET /api/usage/digest?days=7`: the weekly digest. Spend against the period before, the
/// top sources and models, caching and waste, the month's projection against the budget,
/// anomalies and the three largest recommendations.
enum DigestEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let days = query.int("days", default: 7, range: 1...366)
        let digest = try await service.digest(days: days)
        let window = service.window(days: days)
        let current = digest.current
        var json = JSONText(capacity: 4096)
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.field("spend_usd", usd: current.costPico)
        json.field("previous_spend_usd", usd: digest.previous.costPico)
        json.field("change_usd", usd: digest.changePico)
        json.field("change_pct", double: digest.changeShare.map { ($0 * 10_000).rounded() / 100 })
        json.field("calls", current.calls)
        json.field("previous_calls", digest.previous.calls)
        json.key("tokens")
        json.beginObject()
        json.field("input", current.inputTokens)
        json.field("output", current.outputTokens)
        json.field("cache_read", current.cacheReadTokens)
        json.field("cache_write", current.cacheWriteTokens)
        json.field("reasoning", current.reasoningTokens)
        json.endObject()
        json.key("cache")
        json.beginObject()
        json.field("hit_rate", double: AnalysisJSON.ratio(current.cacheHitRate))
        json.field("savings_usd", usd: current.cacheSavingsPico)
        json.endObject()
        json.key("waste")
        json.beginObject()
        json.field("tokens", current.wasteTokens)
        json.field("share", double: AnalysisJSON.share(current.wasteTokens, of: current.heatTotal))
        json.field("cost_usd", usdDouble: Double(current.wasteTokens) * current.promptRatePico)
        json.endObject()
        for (name, entries) in [("top_sources", digest.topSources), ("top_models", digest.topModels)] {
            json.key(name)
            json.beginArray()
            for entry in entries {
                json.beginObject()
                json.field("name", entry.name)
                json.field("cost_usd", usd: entry.costPico)
                json.field("calls", entry.calls)
                json.field("share", double: AnalysisJSON.ratio(entry.share))
                json.field("previous_cost_usd", usd: entry.previousCostPico)
                json.endObject()
            }
            json.endArray()
        }
        json.key("budget")
        json.beginObject()
        json.field("projected_month_usd", usd: digest.forecast.projectedMonth)
        json.field("confidence", double: AnalysisJSON.ratio(digest.forecast.confidence))
        json.field("monthly_limit_usd", usd: digest.monthlyBudgetPico)
        if let limit = digest.monthlyBudgetPico, limit > 0 {
            json.field("projected_share", double: AnalysisJSON.ratio(Double(digest.forecast.projectedMonth) / Double(limit)))
            json.field("on_track", digest.forecast.projectedMonth <= limit)
        } else {
            json.key("projected_share"); json.null()
            json.key("on_track"); json.null()
        }
        json.endObject()
        json.field("anomalies", digest.anomalies)
        json.key("recommendations")
        json.beginArray()
        for recommendation in digest.recommendations {
            json.beginObject()
            json.field("check", recommendation.check.rawValue)
            json.field("severity", recommendation.severity.rawValue)
            json.field("title", recommendation.title)
            json.field("source", recommendation.source)
            json.field("model", recommendation.model)
            json.field("monthly_saving_usd", usd: recommendation.monthlySavingPico)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }
}
