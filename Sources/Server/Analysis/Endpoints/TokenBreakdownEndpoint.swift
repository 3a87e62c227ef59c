import Insights
import Recorder

/// `GET /api/usage/token-breakdown?days=30`: per day, tokens and cost of input, output,
/// reasoning, cache reads and cache writes. Output here excludes reasoning (which has its own
/// entry), so the five parts add up to the total.
enum TokenBreakdownEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        let daily = try await service.daily(window)
        var json = JSONText(capacity: 600 * window.days)
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.key("totals")
        write(daily.total, into: &json)
        json.key("daily")
        json.beginArray()
        for (day, figures) in daily.days {
            json.beginObject()
            json.field("date", AnalysisJSON.date(day: day))
            json.key("breakdown")
            write(figures, into: &json)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }

    static func write(_ figures: UsageFigures, into json: inout JSONText) {
        let parts: [(String, Int64, Int64)] = [
            ("input", figures.inputTokens, figures.costInputPico),
            ("output", figures.outputTokens - figures.reasoningTokens, figures.costOutputPico),
            ("reasoning", figures.reasoningTokens, figures.costReasoningPico),
            ("cache_read", figures.cacheReadTokens, figures.costCacheReadPico),
            ("cache_write", figures.cacheWriteTokens, figures.costCacheWritePico),
            ("total", figures.totalTokens, figures.costPico),
        ]
        json.beginObject()
        for (name, tokens, cost) in parts {
            json.key(name)
            json.beginObject()
            json.field("tokens", tokens)
            json.field("cost_usd", usd: cost)
            json.endObject()
        }
        json.endObject()
    }
}
