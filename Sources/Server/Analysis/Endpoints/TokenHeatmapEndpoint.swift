import Insights
import Recorder

/// `GET /api/usage/token-heatmap?days=30&limit=50`: where prompt tokens go (system prompt,
/// tools, injected context, history, the query), over the window and per source, and for the
/// newest `limit` calls one by one (`sections` null for a call that was not analysed).
enum TokenHeatmapEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        let limit = query.int("limit", default: 50, range: 1...1_000)
        let sources = try await service.groups(window, by: [.source]).filter { $0.figures.analysedCalls > 0 }
        let total = sources.reduce(UsageFigures()) { $0 + $1.figures }
        let calls = try await service.store.heatmapCalls(in: window, limit: limit)
        var json = JSONText(capacity: 300 * (calls.count + sources.count + 4))
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.field("analysed_calls", total.analysedCalls)
        json.field("total_tokens", total.heatTotal)
        json.key("sections")
        json.beginObject()
        for (name, tokens) in sections(total) {
            json.key(name)
            json.beginObject()
            json.field("tokens", tokens)
            json.field("share", double: AnalysisJSON.share(tokens, of: total.heatTotal))
            json.endObject()
        }
        json.endObject()
        json.key("sources")
        json.beginArray()
        for group in sources.sorted(by: { ($0.figures.heatTotal, $1.source ?? "") > ($1.figures.heatTotal, $0.source ?? "") }) {
            json.beginObject()
            json.field("source", group.source)
            json.field("analysed_calls", group.figures.analysedCalls)
            for (name, tokens) in sections(group.figures) { json.field(name, tokens) }
            json.field("total", group.figures.heatTotal)
            json.endObject()
        }
        json.endArray()
        json.key("calls")
        json.beginArray()
        for call in calls {
            json.beginObject()
            json.field("id", call.id)
            json.field("ts", Timestamps.rfc3339(micros: call.timestampMicros))
            json.field("source", call.source)
            json.field("model", call.model)
            json.key("sections")
            if let system = call.system {
                let values = [("system", system), ("tools", call.tools ?? 0), ("context", call.context ?? 0),
                              ("history", call.history ?? 0), ("query", call.query ?? 0)]
                json.beginObject()
                for (name, tokens) in values { json.field(name, tokens) }
                json.field("total", values.reduce(Int64(0)) { $0 + $1.1 })
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

    static func sections(_ figures: UsageFigures) -> [(String, Int64)] {
        [("system", figures.heatSystem), ("tools", figures.heatTools), ("context", figures.heatContext),
         ("history", figures.heatHistory), ("query", figures.heatQuery)]
    }
}
