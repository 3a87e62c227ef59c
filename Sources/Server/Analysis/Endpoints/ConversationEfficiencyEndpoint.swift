import Insights
import Recorder

/// `GET /api/usage/conversation-efficiency?days=30`: per source, the share of the prompt that
/// is conversation history (analysed calls), what the history cost, and a flag above 60%.
enum ConversationEfficiencyEndpoint {
    static let threshold = 0.6

    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        var sources: [String: (figures: UsageFigures, historyCost: Double)] = [:]
        for group in try await service.groups(window, by: [.source, .model]) where group.figures.analysedCalls > 0 {
            var entry = sources[group.source ?? ""] ?? (UsageFigures(), 0)
            entry.figures += group.figures
            entry.historyCost += Double(group.figures.heatHistory) * group.figures.promptRatePico
            sources[group.source ?? ""] = entry
        }
        let rows = sources.map { source, entry in
            (source: source, figures: entry.figures, cost: entry.historyCost,
             share: entry.figures.heatTotal == 0 ? 0 : Double(entry.figures.heatHistory) / Double(entry.figures.heatTotal))
        }.sorted { ($0.share, $1.source) > ($1.share, $0.source) }
        var json = JSONText(capacity: 2048)
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.field("threshold", double: threshold)
        json.key("flagged")
        AnalysisJSON.strings(rows.filter { $0.share > threshold }.map(\.source), into: &json)
        json.key("sources")
        json.beginArray()
        for row in rows {
            json.beginObject()
            json.field("source", row.source)
            json.field("analysed_calls", row.figures.analysedCalls)
            json.field("prompt_tokens", row.figures.heatTotal)
            json.field("history_tokens", row.figures.heatHistory)
            json.field("history_share", double: AnalysisJSON.ratio(row.share))
            json.field("avg_messages", double: row.figures.analysedCalls == 0 ? 0
                       : AnalysisJSON.ratio(Double(row.figures.messageCount) / Double(row.figures.analysedCalls)))
            json.field("history_cost_usd", usdDouble: row.cost)
            json.field("flagged", row.share > threshold)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }
}
