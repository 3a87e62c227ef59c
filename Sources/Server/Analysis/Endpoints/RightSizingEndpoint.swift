import Insights
import Recorder

/// `GET /api/usage/right-sizing?days=30`: per source and model, the distribution of call
/// complexity (0–9, analysed successful calls) and, where a cheaper model of the same provider
/// is trusted with 90% of the calls, that model with what the calls would have cost on it
/// (re-priced exactly) and the saving, also scaled to a month.
enum RightSizingEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        let prices = service.prices
        let plan = service.plan(prices)
        let groups = try await service.store.complexity(in: window, plan: plan, now: service.clock())
            .map { ComplexityGroup($0, plan: plan) }
        let sizer = RightSizer()
        let results = sizer.analyze(groups, prices: prices)
        let span = try await service.spanDays(window)
        let monthly = { (pico: Int64) in Int64((Double(pico) * 30 / Double(max(span, 1))).rounded()) }
        var json = JSONText(capacity: 600 * (results.count + 2))
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.field("span_days", span)
        json.field("saving_usd", usd: results.reduce(Int64(0)) { $0 + ($1.suggestion?.savingPico ?? 0) })
        json.field("monthly_saving_usd", usd: monthly(results.reduce(Int64(0)) { $0 + ($1.suggestion?.savingPico ?? 0) }))
        json.key("ladder")
        json.beginArray()
        for rung in sizer.ladder.rungs {
            json.beginObject()
            json.field("provider", rung.provider)
            json.field("model", rung.model)
            json.field("max_complexity", rung.maxComplexity)
            json.endObject()
        }
        json.endArray()
        json.key("items")
        json.beginArray()
        for result in results {
            json.beginObject()
            json.field("source", result.source)
            json.field("provider", result.provider)
            json.field("model", result.model)
            json.field("calls", result.calls)
            json.key("complexity")
            json.beginObject()
            json.key("histogram")
            json.beginArray()
            for count in result.histogram { json.int(count) }
            json.endArray()
            json.field("p50", result.p50)
            json.field("p90", result.p90)
            json.field("max", result.max)
            json.field("simple_share", double: AnalysisJSON.share(result.simpleCalls, of: result.calls))
            json.endObject()
            json.field("cost_usd", usd: result.costPico)
            json.field("unpriced_calls", result.unpricedCalls)
            json.key("suggestion")
            if let suggestion = result.suggestion {
                json.beginObject()
                json.field("model", suggestion.model)
                json.field("max_complexity", suggestion.maxComplexity)
                json.field("cost_usd", usd: suggestion.costPico)
                json.field("saving_usd", usd: suggestion.savingPico)
                json.field("monthly_saving_usd", usd: monthly(suggestion.savingPico))
                json.endObject()
            } else {
                json.null()
            }
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }
}
