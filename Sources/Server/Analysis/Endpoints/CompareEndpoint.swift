import Insights
import Providers
import Recorder

/// `GET /api/usage/compare?from_model=&to_model=&days=30`: what `from_model`'s calls cost and
/// what the same tokens would have cost on `to_model`, exactly (same service tier and
/// long-context bracket, the price table's rates), with the difference, per source too.
/// `from_model` also matches its dated ids (`claude-sonnet-4-5` matches
/// `claude-sonnet-4-5-20250929`).
enum CompareEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        guard let from = query["from_model"], let to = query["to_model"] else {
            return AnalysisJSON.error(400, "give both models: /api/usage/compare?from_model=MODEL&to_model=MODEL")
        }
        let window = service.window(days: query.days(default: 30))
        let comparison: AnalysisService.Comparison
        do {
            comparison = try await service.compare(fromModel: from, toModel: to, window: window)
        } catch AnalysisService.CompareError.unpriced(let model) {
            return AnalysisJSON.error(422, "\(model) is not in the price table (or has no input price); `tokenlens pricing show \(model)` shows what it resolves to")
        }
        let fromCost = comparison.fromCost.total
        let toCost = comparison.toCost.total
        var json = JSONText(capacity: 2048)
        json.beginObject()
        json.field("from_model", from)
        json.field("to_model", to)
        AnalysisJSON.window(window, into: &json)
        json.key("matched_models")
        AnalysisJSON.strings(comparison.matchedModels, into: &json)
        json.field("calls", comparison.calls)
        json.field("priced_calls", comparison.pricedCalls)
        json.field("unpriced_calls", comparison.unpricedCalls)
        json.key("tokens")
        json.beginObject()
        json.field("input", comparison.tokens.inputTokens)
        json.field("output", comparison.tokens.outputTokens)
        json.field("reasoning", comparison.tokens.reasoningTokens)
        json.field("cache_read", comparison.tokens.cacheReadTokens)
        json.field("cache_write", comparison.tokens.cacheWriteTokens)
        json.endObject()
        json.field("from_cost_usd", usd: fromCost)
        json.field("to_cost_usd", usd: toCost)
        json.field("difference_usd", usd: toCost - fromCost)
        json.field("savings_usd", usd: fromCost - toCost)
        json.field("change_pct", double: fromCost == 0 ? nil : ((Double(toCost - fromCost) / Double(fromCost)) * 10_000).rounded() / 100)
        json.key("cost_by_type")
        json.beginObject()
        for (name, cost) in [("from", comparison.fromCost), ("to", comparison.toCost)] {
            json.key(name)
            json.beginObject()
            json.field("input", usd: cost.input)
            json.field("output", usd: cost.output)
            json.field("reasoning", usd: cost.reasoning)
            json.field("cache_read", usd: cost.cacheRead)
            json.field("cache_write", usd: cost.cacheWrite)
            json.endObject()
        }
        json.endObject()
        json.key("sources")
        json.beginArray()
        for source in comparison.sources {
            json.beginObject()
            json.field("source", source.source)
            json.field("calls", source.calls)
            json.field("from_cost_usd", usd: source.from)
            json.field("to_cost_usd", usd: source.to)
            json.field("difference_usd", usd: source.to - source.from)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }
}
