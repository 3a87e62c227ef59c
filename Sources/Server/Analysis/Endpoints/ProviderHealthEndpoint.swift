import Insights
import Recorder

/// `GET /api/usage/provider-health?days=1`: latency and time to first byte (p50/p95/p99,
/// nearest rank, exact over every call) and error rate, per provider and per model, over the
/// calls that reached a provider (fallback attempts included, refusals by TokenLens not).
enum ProviderHealthEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 1))
        let samples = try await service.store.latencySamples(in: window)
        var byProvider: [String: [LatencySample]] = [:]
        for sample in samples { byProvider[sample.provider, default: []].append(sample) }
        var json = JSONText(capacity: 1024)
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.key("providers")
        json.beginArray()
        for provider in byProvider.keys.sorted() {
            let calls = byProvider[provider] ?? []
            json.beginObject()
            json.field("provider", provider)
            write(calls, into: &json)
            var byModel: [String: [LatencySample]] = [:]
            for sample in calls { byModel[sample.model ?? "", default: []].append(sample) }
            json.key("models")
            json.beginArray()
            for model in byModel.keys.sorted() {
                json.beginObject()
                json.field("model", model.isEmpty ? nil : model)
                write(byModel[model] ?? [], into: &json)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }

    static func write(_ samples: [LatencySample], into json: inout JSONText) {
        let errors = samples.filter(\.failed).count
        json.field("calls", samples.count)
        json.field("errors", errors)
        json.field("error_rate", double: samples.isEmpty ? 0 : AnalysisJSON.ratio(Double(errors) / Double(samples.count)))
        json.field("rate_limited", samples.filter(\.rateLimited).count)
        let latency = samples.map(\.latencyMs).sorted()
        json.key("latency_ms")
        percentiles(latency, average: true, into: &json)
        json.key("ttft_ms")
        percentiles(samples.compactMap(\.ttftMs).sorted(), average: false, into: &json)
    }

    static func percentiles(_ sorted: [Double], average: Bool, into json: inout JSONText) {
        json.beginObject()
        json.field("p50", ms: Statistics.percentile(sorted: sorted, 50))
        json.field("p95", ms: Statistics.percentile(sorted: sorted, 95))
        json.field("p99", ms: Statistics.percentile(sorted: sorted, 99))
        if average { json.field("avg", ms: sorted.isEmpty ? nil : Statistics.mean(sorted)) }
        json.endObject()
    }
}
