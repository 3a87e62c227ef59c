import Insights
import Recorder

/// `GET /api/usage/cache-trend?days=30`: the daily cache hit rate (cache reads over prompt
/// tokens) and whether it is improving, degrading or stable.
enum CacheTrendEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        let daily = try await service.daily(window)
        let total = daily.total
        let rates: [Double?] = daily.days.map { $0.figures.promptTokens > 0 ? $0.figures.cacheHitRate : nil }
        let trend = CacheTrend.of(rates)
        var json = JSONText(capacity: 200 * window.days)
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.field("hit_rate", double: AnalysisJSON.ratio(total.cacheHitRate))
        json.field("savings_usd", usd: total.cacheSavingsPico)
        json.key("trend")
        json.beginObject()
        json.field("direction", trend.direction.rawValue)
        json.field("change", double: AnalysisJSON.ratio(trend.change))
        json.field("slope_per_day", double: (trend.slopePerDay * 1_000_000).rounded() / 1_000_000)
        json.field("first_rate", double: trend.firstRate.map(AnalysisJSON.ratio))
        json.field("last_rate", double: trend.lastRate.map(AnalysisJSON.ratio))
        json.field("days_with_data", trend.days)
        json.endObject()
        json.key("daily")
        json.beginArray()
        for (index, (day, figures)) in daily.days.enumerated() {
            json.beginObject()
            json.field("date", AnalysisJSON.date(day: day))
            json.field("hit_rate", double: rates[index].map(AnalysisJSON.ratio))
            json.field("prompt_tokens", figures.promptTokens)
            json.field("cache_read_tokens", figures.cacheReadTokens)
            json.field("cache_write_tokens", figures.cacheWriteTokens)
            json.field("savings_usd", usd: figures.cacheSavingsPico)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }
}
