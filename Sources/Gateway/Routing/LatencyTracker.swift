import Foundation
import Synchronization

/// Recent latency and errors per model (or upstream), for latency routing. Samples older than
/// the routing window fall out, so a candidate that was slow or failing is tried again once
/// its bad samples have aged away; a candidate with too few samples is tried to learn about it.
public final class LatencyTracker: Sendable {
    struct Sample: Sendable {
        var at: Double
        var latencyMs: Double
        var failed: Bool
    }

    /// The last `maxSamples` samples of one model, overwritten oldest first: recording is a
    /// store in place, never a copy or a shift of the list (it runs on every proxied call).
    struct Ring: Sendable {
        private(set) var samples: [Sample] = []
        private var next = 0

        mutating func append(_ sample: Sample) {
            if samples.count < LatencyTracker.maxSamples {
                samples.append(sample)
            } else {
                samples[next] = sample
                next = (next + 1) % LatencyTracker.maxSamples
            }
        }
    }

    private let samples = Mutex<[String: Ring]>([:])
    static let maxSamples = 512
    static let minimumSamples = 5

    public init() {}

    public func record(model: String, latencyMs: Double, failed: Bool, at: Date = Date()) {
        let sample = Sample(at: at.timeIntervalSince1970, latencyMs: latencyMs, failed: failed)
        samples.withLock { all in all[model, default: Ring()].append(sample) }
    }

    public struct Stats: Sendable, Equatable {
        public var count: Int
        public var p99Ms: Double
        public var errorRate: Double
    }

    public func stats(model: String, windowSeconds: Int, now: Date = Date()) -> Stats {
        let cutoff = now.timeIntervalSince1970 - Double(windowSeconds)
        let recent = samples.withLock { ($0[model]?.samples ?? []).filter { $0.at >= cutoff } }
        guard !recent.isEmpty else { return Stats(count: 0, p99Ms: 0, errorRate: 0) }
        let latencies = recent.map(\.latencyMs).sorted()
        let index = min(latencies.count - 1, Int((Double(latencies.count) * 0.99).rounded(.up)) - 1)
        let errors = recent.filter(\.failed).count
        return Stats(count: recent.count, p99Ms: latencies[max(0, index)], errorRate: Double(errors) / Double(recent.count))
    }

    /// The candidate to send to: one without enough recent samples first (to learn about it),
    /// else the lowest p99 latency, penalised by the error rate (a candidate failing half its
    /// calls counts as three times as slow).
    public func choose(among candidates: [String], windowSeconds: Int, now: Date = Date()) -> String? {
        var best: (model: String, score: Double)?
        for candidate in candidates {
            let stats = stats(model: candidate, windowSeconds: windowSeconds, now: now)
            if stats.count < Self.minimumSamples { return candidate }
            let score = stats.p99Ms * (1 + 4 * stats.errorRate)
            if best == nil || score < best!.score { best = (candidate, score) }
        }
        return best?.model
    }
}
