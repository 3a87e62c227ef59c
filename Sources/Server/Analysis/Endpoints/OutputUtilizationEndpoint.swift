import Insights
import Recorder

/// `GET /api/usage/output-utilization?days=30`: per source and model, how much of the output
/// cap (`max_tokens` and its equivalents) successful calls used: average cap, average output,
/// utilisation, calls under 10% of their cap, calls that hit it, and calls without a cap.
enum OutputUtilizationEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        let groups = try await service.groups(window, by: [.source, .provider, .model], filter: .succeeded)
        var total = UsageFigures()
        var json = JSONText(capacity: 400 * (groups.count + 2))
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.key("items")
        json.beginArray()
        let sorted = groups.sorted {
            ($0.figures.cappedCalls, $1.source ?? "", $1.model ?? "") > ($1.figures.cappedCalls, $0.source ?? "", $0.model ?? "")
        }
        for group in sorted {
            total += group.figures
            json.beginObject()
            json.field("source", group.source)
            json.field("provider", group.provider)
            json.field("model", group.model)
            write(group.figures, into: &json)
            json.endObject()
        }
        json.endArray()
        json.key("totals")
        json.beginObject()
        write(total, into: &json)
        json.endObject()
        json.endObject()
        return AnalysisJSON.reply(json)
    }

    static func write(_ figures: UsageFigures, into json: inout JSONText) {
        let capped = figures.cappedCalls
        json.field("calls", figures.calls)
        json.field("capped_calls", capped)
        json.field("uncapped_calls", figures.calls - capped)
        json.field("avg_max_tokens", double: capped == 0 ? nil : AnalysisJSON.ratio(Double(figures.capTokens) / Double(capped)))
        json.field("avg_output_tokens", double: capped == 0 ? nil
                   : AnalysisJSON.ratio(Double(figures.cappedOutputTokens) / Double(capped)))
        json.field("utilization", double: figures.capTokens == 0 ? nil
                   : AnalysisJSON.ratio(Double(figures.cappedOutputTokens) / Double(figures.capTokens)))
        json.field("low_use_calls", figures.capLowUseCalls)
        json.field("at_cap_calls", figures.capHitCalls)
    }
}
