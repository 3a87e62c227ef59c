import Policy
import Prometheus
import Providers
import Recorder
import Synchronization

/// Prometheus metrics. Call metrics are updated from recorded batches (off the request path);
/// gauges of the recorder and policy are refreshed when `/metrics` is scraped.
public final class ProxyMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
    static let overheadBuckets: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1]

    /// Values last exported for counters that mirror totals kept elsewhere.
    private let mirrored = Mutex<[String: Int64]>([:])
    private let infoGauge = Mutex<(version: String, gauge: Gauge)?>(nil)

    public init() {}

    /// Advances a counter to a total maintained elsewhere (reload counts, drops).
    private func mirror(_ name: String, labels: [(String, String)], help: String, total: Int64) {
        let key = name + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        let delta = mirrored.withLock { seen -> Int64 in
            let delta = total - (seen[key] ?? 0)
            seen[key] = total
            return delta
        }
        let counter = registry.makeCounter(name: name, labels: labels, help: help)
        if delta > 0 { counter.increment(by: delta) }
    }

    /// The series one combination of labels updates, looked up in the registry once: the
    /// registry's own lookup (label arrays compared field by field) cost more per call than
    /// recording the call.
    private struct CallSeries {
        let requests: Counter
        let duration: ValueHistogram
        let overhead: ValueHistogram
    }

    private struct SeriesKey: Hashable {
        var provider: String
        var model: String
        var source: String
        var outcome: String
    }

    private struct UsageKey: Hashable {
        var provider: String
        var model: String
        var source: String
        var kind: String
    }

    private let callSeries = Mutex<[SeriesKey: CallSeries]>([:])
    private let usageCounters = Mutex<[UsageKey: Counter]>([:])

    private func series(_ key: SeriesKey) -> CallSeries {
        callSeries.withLock { known in
            if let series = known[key] { return series }
            let labels = [("provider", key.provider), ("model", key.model), ("source", key.source), ("outcome", key.outcome)]
            let series = CallSeries(
                requests: registry.makeCounter(name: "tokenlens_requests_total", labels: labels,
                                               help: "Calls through the proxy, by provider, model, source and outcome"),
                duration: registry.makeValueHistogram(name: "tokenlens_request_duration_seconds", labels: labels,
                                                      buckets: Self.latencyBuckets,
                                                      help: "End-to-end call latency as the client saw it"),
                overhead: registry.makeValueHistogram(name: "tokenlens_overhead_seconds", labels: labels,
                                                      buckets: Self.overheadBuckets, help: "Time spent inside TokenLens per call"))
            known[key] = series
            return series
        }
    }

    /// `tokenlens_tokens_total` (one per token kind), `tokenlens_cost_usd_total` or
    /// `tokenlens_unpriced_calls_total` for a provider, model and source.
    private func usageCounter(_ key: UsageKey) -> Counter {
        usageCounters.withLock { known in
            if let counter = known[key] { return counter }
            let base = [("provider", key.provider), ("model", key.model), ("source", key.source)]
            let counter = switch key.kind {
            case "cost": registry.makeCounter(name: "tokenlens_cost_usd_total", labels: base, help: "Spend in USD of priced calls")
            case "unpriced":
                registry.makeCounter(name: "tokenlens_unpriced_calls_total", labels: base,
                                     help: "Successful calls whose model is not in the price table")
            default: registry.makeCounter(name: "tokenlens_tokens_total", labels: base + [("type", key.kind)], help: "Tokens by kind")
            }
            known[key] = counter
            return counter
        }
    }

    /// Counts a batch of recorded calls.
    public func observe(_ records: [CallRecord]) {
        for record in records {
            let model = record.model ?? record.requestedModel ?? "none"
            let series = series(SeriesKey(provider: record.provider, model: model, source: record.source,
                                          outcome: record.outcome.rawValue))
            series.requests.increment()
            series.duration.record(record.latencyMs / 1000)
            series.overhead.record(record.overheadMs / 1000)
            let usage = record.usage
            for (kind, count) in [("input", usage.inputTokens), ("output", usage.outputTokens),
                                  ("cache_read", usage.cacheReadTokens), ("cache_write", usage.cacheWriteTokens),
                                  ("reasoning", usage.reasoningTokens)] where count > 0 {
                usageCounter(UsageKey(provider: record.provider, model: model, source: record.source, kind: kind))
                    .increment(by: count)
            }
            if let cost = record.costUSD {
                usageCounter(UsageKey(provider: record.provider, model: model, source: record.source, kind: "cost"))
                    .increment(by: cost)
            } else if record.outcome == .ok {
                usageCounter(UsageKey(provider: record.provider, model: model, source: record.source, kind: "unpriced"))
                    .increment()
            }
        }
    }

    /// Refreshes point-in-time values, then renders the exposition text.
    public func render(recorder: Recorder.Statistics, policy: (version: String, reloads: Int, failures: Int),
                       liveSubscribers: Int) -> [UInt8] {
        registry.makeGauge(name: "tokenlens_recorder_pending", help: "Calls queued for the database").set(to: Double(recorder.pending))
        mirror("tokenlens_recorder_dropped_total", labels: [], help: "Calls dropped because the recorder queue was full",
               total: recorder.dropped)
        mirror("tokenlens_recorder_written_total", labels: [], help: "Calls written to the database", total: recorder.written)
        mirror("tokenlens_recorder_write_errors_total", labels: [], help: "Failed database write attempts",
               total: recorder.writeErrors)
        mirror("tokenlens_policy_reloads_total", labels: [("result", "success")], help: "Policy reloads by result",
               total: Int64(policy.reloads))
        mirror("tokenlens_policy_reloads_total", labels: [("result", "failure")], help: "Policy reloads by result",
               total: Int64(policy.failures))
        registry.makeGauge(name: "tokenlens_live_subscribers", help: "Open /api/live connections").set(to: Double(liveSubscribers))
        infoGauge.withLock { current in
            guard current?.version != policy.version else { return }
            if let old = current { registry.unregisterGauge(old.gauge) }
            let gauge = registry.makeGauge(name: "tokenlens_policy_info", labels: [("version", policy.version)],
                                           help: "The policy version currently serving (value 1)")
            gauge.set(to: 1)
            current = (policy.version, gauge)
        }
        return registry.emitToBuffer()
    }
}
