import Insights
import Providers
import Recorder

/// `GET /api/usage/by-tag?days=30`: cost, calls and tokens per tag (`key=value`, a call with
/// two tags counts under both), for untagged calls, and per source.
enum ByTagEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        let plan = service.plan(service.prices)
        var tags: [String: UsageFigures] = [:]
        var untagged = try await service.groups(window, by: []).first?.figures ?? UsageFigures()
        for slice in try await service.store.tagged(in: window, plan: plan, now: service.clock()) {
            var figures = UsageFigures()
            figures.calls = slice.calls
            figures.inputTokens = slice.inputTokens
            figures.outputTokens = slice.outputTokens
            figures.cacheReadTokens = slice.cacheReadTokens
            figures.cacheWriteTokens = slice.cacheWriteTokens
            figures.reasoningTokens = slice.reasoningTokens
            figures.costPico = slice.costPico
            untagged = Self.subtract(figures, from: untagged)
            for pair in Self.pairs(slice.tags) { tags[pair, default: UsageFigures()] += figures }
        }
        let sources = try await service.groups(window, by: [.source])
        var json = JSONText(capacity: 4096)
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.key("tags")
        json.beginArray()
        for (pair, figures) in tags.sorted(by: { ($0.value.costPico, $1.key) > ($1.value.costPico, $0.key) }) {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            json.beginObject()
            json.field("tag", pair)
            json.field("key", parts.first ?? pair)
            json.field("value", parts.count > 1 ? parts[1] : "")
            AnalysisJSON.usage(figures, into: &json)
            json.endObject()
        }
        json.endArray()
        json.key("untagged")
        json.beginObject()
        AnalysisJSON.usage(untagged, into: &json)
        json.endObject()
        json.key("sources")
        json.beginArray()
        for group in sources.sorted(by: { ($0.figures.costPico, $1.source ?? "") > ($1.figures.costPico, $0.source ?? "") }) {
            json.beginObject()
            json.field("source", group.source)
            AnalysisJSON.usage(group.figures, into: &json)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }

    /// The calls of `figures` taken out of `total` (the fields the endpoint shows).
    static func subtract(_ figures: UsageFigures, from total: UsageFigures) -> UsageFigures {
        var rest = total
        rest.calls -= figures.calls
        rest.inputTokens -= figures.inputTokens
        rest.outputTokens -= figures.outputTokens
        rest.cacheReadTokens -= figures.cacheReadTokens
        rest.cacheWriteTokens -= figures.cacheWriteTokens
        rest.reasoningTokens -= figures.reasoningTokens
        rest.costPico -= figures.costPico
        return rest
    }

    /// `{"team":"search","env":"dev"}` → `["env=dev", "team=search"]`.
    static func pairs(_ stored: String) -> [String] {
        guard let object = (try? JSONReader.parse(Array(stored.utf8)))?.objectValue else { return [] }
        return object.entries.compactMap { key, value in value.stringValue.map { "\(key)=\($0)" } }.sorted()
    }
}
