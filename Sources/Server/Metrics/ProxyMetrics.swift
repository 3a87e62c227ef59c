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

    /// A series' name as the exposition shows it, whole (no unit suffix added).
    private static func metric(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Advances a counter to a total maintained elsewhere (reload counts, drops).
    private func mirror(_ name: String, labels: [(String, String)], help: String, total: Int64) {
        let key = name + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        let delta = mirrored.withLock { seen -> Int64 in
            let delta = total - (seen[key] ?? 0)
            seen[key] = total
            return delta
        }
        let counter = registry.makeCounter(descriptor: Self.metric(name, help: help), labels: labels)
        if delta > 0 { counter.increment(by: delta) }
    }

    /// The series of one provider, model and source, looked up once per call: the registry's
    /// own lookup (label arrays compared field by field) cost more per call than recording the
    /// call, and one lookup per counter hashed the same three labels seven times.
    private final class Group: @unchecked Sendable {
        struct CallSeries {
            let requests: Counter
            let duration: ValueHistogram
            let overhead: ValueHistogram
        }

        // Filled on first use, under `ProxyMetrics.groups`' lock: a series exists only once
        // it has something to count, as the registry's own would.
        var calls: [Outcome: CallSeries] = [:]
        var tokens: [TokenKind: Counter] = [:]
        var cost: Counter?
        var unpriced: Counter?
    }

    private struct GroupKey: Hashable {
        var provider: String
        var model: String
        var source: String

        var labels: [(String, String)] { [("provider", provider), ("model", model), ("source", source)] }
    }

    private enum TokenKind: String, CaseIterable {
        case input, output, cacheRead = "cache_read", cacheWrite = "cache_write", reasoning

        func count(in usage: Usage) -> Int64 {
            switch self {
            case .input: usage.inputTokens
            case .output: usage.outputTokens
            case .cacheRead: usage.cacheReadTokens
            case .cacheWrite: usage.cacheWriteTokens
            case .reasoning: usage.reasoningTokens
            }
        }
    }

    private let groups = Mutex<[GroupKey: Group]>([:])

    /// Counts a batch of recorded calls.
    public func observe(_ records: [CallRecord]) {
        groups.withLock { groups in
            for record in records {
                let key = GroupKey(provider: record.provider, model: record.model ?? record.requestedModel ?? "none",
                                   source: record.source)
                let group: Group
                if let known = groups[key] {
                    group = known
                } else {
                    group = Group()
                    groups[key] = group
                }
                observe(record, in: group, key: key)
            }
        }
    }

    private func observe(_ record: CallRecord, in group: Group, key: GroupKey) {
        let series: Group.CallSeries
        if let known = group.calls[record.outcome] {
            series = known
        } else {
            let labels = key.labels + [("outcome", record.outcome.rawValue)]
            series = Group.CallSeries(
                requests: registry.makeCounter(
                    descriptor: Self.metric("tokenlens_requests_total",
                                            help: "Calls through the proxy, by provider, model, source and outcome"),
                    labels: labels),
                duration: registry.makeValueHistogram(
                    descriptor: Self.metric("tokenlens_request_duration_seconds", help: "End-to-end call latency as the client saw it"),
                    labels: labels, buckets: Self.latencyBuckets),
                overhead: registry.makeValueHistogram(
                    descriptor: Self.metric("tokenlens_overhead_seconds", help: "Time spent inside TokenLens per call"),
                    labels: labels, buckets: Self.overheadBuckets))
            group.calls[record.outcome] = series
        }
        series.requests.increment()
        series.duration.record(record.latencyMs / 1000)
        series.overhead.record(record.overheadMs / 1000)
        let usage = record.usage
        for kind in TokenKind.allCases {
            let count = kind.count(in: usage)
            guard count > 0 else { continue }
            let counter = group.tokens[kind] ?? {
                let counter = registry.makeCounter(descriptor: Self.metric("tokenlens_tokens_total", help: "Tokens by kind"),
                                                   labels: key.labels + [("type", kind.rawValue)])
                group.tokens[kind] = counter
                return counter
            }()
            counter.increment(by: count)
        }
        if let cost = record.costUSD {
            let counter = group.cost ?? registry.makeCounter(
                descriptor: Self.metric("tokenlens_cost_usd_total", help: "Spend in USD of priced calls"), labels: key.labels)
            group.cost = counter
            counter.increment(by: cost)
        } else if record.outcome == .ok {
            let counter = group.unpriced ?? registry.makeCounter(
                descriptor: Self.metric("tokenlens_unpriced_calls_total", help: "Successful calls whose model is not in the price table"),
                labels: key.labels)
            group.unpriced = counter
            counter.increment()
        }
    }

    /// Refreshes point-in-time values, then renders the exposition text.
    public func render(recorder: Recorder.Statistics, policy: (version: String, reloads: Int, failures: Int),
                       liveSubscribers: Int) -> [UInt8] {
        registry.makeGauge(descriptor: Self.metric("tokenlens_recorder_pending", help: "Calls queued for the database"))
            .set(to: Double(recorder.pending))
        mirror("tokenlens_recorder_dropped_total", labels: [], help: "Calls dropped because the recorder queue was full",
               total: recorder.dropped)
        mirror("tokenlens_recorder_written_total", labels: [], help: "Calls written to the database", total: recorder.written)
        mirror("tokenlens_recorder_write_errors_total", labels: [], help: "Failed database write attempts",
               total: recorder.writeErrors)
        mirror("tokenlens_policy_reloads_total", labels: [("result", "success")], help: "Policy reloads by result",
               total: Int64(policy.reloads))
        mirror("tokenlens_policy_reloads_total", labels: [("result", "failure")], help: "Policy reloads by result",
               total: Int64(policy.failures))
        registry.makeGauge(descriptor: Self.metric("tokenlens_live_subscribers", help: "Open /api/live connections"))
            .set(to: Double(liveSubscribers))
        infoGauge.withLock { current in
            guard current?.version != policy.version else { return }
            if let old = current { registry.unregisterGauge(old.gauge) }
            let gauge = registry.makeGauge(
                descriptor: Self.metric("tokenlens_policy_info", help: "The policy version currently serving (value 1)"),
                labels: [("version", policy.version)])
            gauge.set(to: 1)
            current = (policy.version, gauge)
        }
        return registry.emitToBuffer()
    }
}
