import Insights
import Recorder

/// `GET /api/usage/waste-summary?days=30`: wasted prompt tokens (whitespace, filler, repeated
/// text) and empty messages over the analysed calls, in total and per source, with what they
/// cost at each source and model's average prompt-token price.
enum WasteSummaryEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        var total = UsageFigures()
        var totalCost = (whitespace: 0.0, filler: 0.0, repeated: 0.0)
        var sources: [String: (figures: UsageFigures, cost: Double)] = [:]
        for group in try await service.groups(window, by: [.source, .model]) where group.figures.analysedCalls > 0 {
            let figures = group.figures
            let rate = figures.promptRatePico
            total += figures
            totalCost.whitespace += Double(figures.wasteWhitespace) * rate
            totalCost.filler += Double(figures.wasteFiller) * rate
            totalCost.repeated += Double(figures.wasteRepeated) * rate
            var entry = sources[group.source ?? ""] ?? (UsageFigures(), 0)
            entry.figures += figures
            entry.cost += Double(figures.wasteTokens) * rate
            sources[group.source ?? ""] = entry
        }
        var json = JSONText(capacity: 2048)
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        write(total, cost: totalCost.whitespace + totalCost.filler + totalCost.repeated, into: &json)
        json.key("by_type")
        json.beginObject()
        for (name, tokens, cost) in [("whitespace", total.wasteWhitespace, totalCost.whitespace),
                                     ("filler", total.wasteFiller, totalCost.filler),
                                     ("repeated", total.wasteRepeated, totalCost.repeated)] {
            json.key(name)
            json.beginObject()
            json.field("tokens", tokens)
            json.field("cost_usd", usdDouble: cost)
            json.endObject()
        }
        json.endObject()
        json.key("sources")
        json.beginArray()
        for (source, entry) in sources.sorted(by: { ($0.value.figures.wasteTokens, $1.key) > ($1.value.figures.wasteTokens, $0.key) }) {
            json.beginObject()
            json.field("source", source)
            write(entry.figures, cost: entry.cost, into: &json)
            json.field("whitespace_tokens", entry.figures.wasteWhitespace)
            json.field("filler_tokens", entry.figures.wasteFiller)
            json.field("repeated_tokens", entry.figures.wasteRepeated)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }

    static func write(_ figures: UsageFigures, cost: Double, into json: inout JSONText) {
        json.field("analysed_calls", figures.analysedCalls)
        json.field("prompt_tokens", figures.heatTotal)
        json.field("waste_tokens", figures.wasteTokens)
        json.field("waste_share", double: AnalysisJSON.share(figures.wasteTokens, of: figures.heatTotal))
        json.field("empty_messages", figures.emptyMessages)
        json.field("cost_usd", usdDouble: cost)
    }
}
