import Insights
import Recorder

/// `GET /api/usage/recommendations?days=30`: every recommendation check over the window, the
/// findings largest monthly saving first, each with its evidence (figures and example calls).
enum RecommendationsEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        let result = try await service.recommendations(window: window)
        var json = JSONText(capacity: 1024 * max(result.recommendations.count, 1))
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.field("span_days", result.spanDays)
        json.key("checks")
        AnalysisJSON.strings(RecommendationEngine.checkNames, into: &json)
        json.field("count", result.recommendations.count)
        json.field("monthly_saving_usd", usd: result.recommendations.reduce(Int64(0)) { $0 + $1.monthlySavingPico })
        json.key("recommendations")
        json.beginArray()
        for recommendation in result.recommendations { write(recommendation, into: &json) }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }

    static func write(_ recommendation: Recommendation, into json: inout JSONText) {
        json.beginObject()
        json.field("check", recommendation.check.rawValue)
        json.field("severity", recommendation.severity.rawValue)
        json.field("title", recommendation.title)
        json.field("detail", recommendation.detail)
        json.field("source", recommendation.source)
        json.field("provider", recommendation.provider)
        json.field("model", recommendation.model)
        json.field("suggested_model", recommendation.suggestedModel)
        json.field("monthly_saving_usd", usd: recommendation.monthlySavingPico)
        json.field("window_saving_usd", usd: recommendation.windowSavingPico)
        json.key("evidence")
        json.beginObject()
        AnalysisJSON.figures(recommendation.figures, into: &json)
        json.key("call_ids")
        AnalysisJSON.strings(recommendation.callIDs, into: &json)
        json.endObject()
        json.endObject()
    }
}
