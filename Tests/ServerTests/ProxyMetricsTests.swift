import Providers
@testable import Recorder
@testable import Server
import Testing

/// The call metrics are grouped by provider, model and source: each series must still count
/// only its own calls, and a series appears only once it has something to count.
struct ProxyMetricsTests {
    static func call(_ id: String, model: String?, source: String, outcome: Outcome = .ok,
                     input: Int64 = 0, output: Int64 = 0, costPico: Int64? = nil) -> CallRecord {
        var record = CallRecord(id: id, timestampMicros: 1, provider: "openai", endpoint: "chat",
                                requestedModel: "requested", model: model, source: source, outcome: outcome,
                                latencyMs: 250, overheadMs: 0.2)
        record.usage.inputTokens = input
        record.usage.outputTokens = output
        record.cost = costPico.map { CostBreakdown(input: $0) }
        return record
    }

    static func exposition(_ metrics: ProxyMetrics) -> [String] {
        let text = metrics.render(recorder: Recorder.Statistics(accepted: 0, dropped: 0, pending: 0, written: 0, writeErrors: 0),
                                  policy: (version: "v1", reloads: 0, failures: 0), liveSubscribers: 0)
        return String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func seriesCountOnlyTheirOwnCalls() {
        let metrics = ProxyMetrics()
        metrics.observe([
            Self.call("1", model: "gpt-5-mini", source: "a", input: 100, output: 10, costPico: 2_000_000_000_000),
            Self.call("2", model: "gpt-5-mini", source: "a", outcome: .upstreamError),
            Self.call("3", model: "gpt-5-mini", source: "b", input: 7),
        ])
        metrics.observe([Self.call("4", model: "gpt-5-mini", source: "a", input: 1, output: 2, costPico: 1_000_000_000_000),
                         Self.call("5", model: nil, source: "a", outcome: .blocked)])
        let lines = Self.exposition(metrics)
        let a = #"provider="openai",model="gpt-5-mini",source="a""#
        let b = #"provider="openai",model="gpt-5-mini",source="b""#
        func value(_ prefix: String, _ labels: String) -> String? {
            lines.first { $0.hasPrefix(prefix + "{") && $0.contains(labels) }.map { String($0.split(separator: " ").last!) }
        }
        #expect(lines.contains { $0.hasPrefix("tokenlens_requests_total{") && $0.contains(a) && $0.contains(#"outcome="ok""#) && $0.hasSuffix(" 2") })
        #expect(lines.contains { $0.hasPrefix("tokenlens_requests_total{") && $0.contains(a) && $0.contains(#"outcome="upstream_error""#) && $0.hasSuffix(" 1") })
        #expect(lines.contains { $0.hasPrefix("tokenlens_requests_total{") && $0.contains(#"model="requested""#) && $0.contains(#"outcome="blocked""#) })
        #expect(lines.contains { $0.hasPrefix("tokenlens_tokens_total{") && $0.contains(a) && $0.contains(#"type="input""#) && $0.hasSuffix(" 101") })
        #expect(lines.contains { $0.hasPrefix("tokenlens_tokens_total{") && $0.contains(a) && $0.contains(#"type="output""#) && $0.hasSuffix(" 12") })
        #expect(lines.contains { $0.hasPrefix("tokenlens_tokens_total{") && $0.contains(b) && $0.contains(#"type="input""#) && $0.hasSuffix(" 7") })
        #expect(!lines.contains { $0.hasPrefix("tokenlens_tokens_total{") && $0.contains(b) && $0.contains(#"type="output""#) })
        #expect(value("tokenlens_cost_usd_total", a) == "3.0")
        #expect(value("tokenlens_unpriced_calls_total", b) == "1")
        #expect(value("tokenlens_unpriced_calls_total", a) == nil)
        #expect(lines.contains { $0.hasPrefix("tokenlens_request_duration_seconds_count{") && $0.contains(a) && $0.contains(#"outcome="ok""#) && $0.hasSuffix(" 2") })
    }
}
