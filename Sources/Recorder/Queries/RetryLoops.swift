import GRDB

/// The same request (same fingerprint: model, body and source) sent again and again within
/// seconds: an agent stuck retrying. Fallback attempts TokenLens makes itself (`<id>.<n>`)
/// are not counted.
public struct RetryLoop: Sendable, Equatable {
    public var fingerprint: String
    public var source: String
    public var model: String?
    public var count: Int
    public var firstMicros: Int64
    public var lastMicros: Int64
    public var callIDs: [String]
}

/// Finds retry loops in a list of calls: runs of one fingerprint where each call follows the
/// previous within `maxGapSeconds`, at least `minimumRepeats` long.
public enum RetryLoopDetector {
    public struct Call: Sendable, Equatable {
        public var id: String
        public var fingerprint: String
        public var timestampMicros: Int64
        public var source: String
        public var model: String?

        public init(id: String, fingerprint: String, timestampMicros: Int64, source: String, model: String?) {
            self.id = id
            self.fingerprint = fingerprint
            self.timestampMicros = timestampMicros
            self.source = source
            self.model = model
        }
    }

    public static let defaultGapSeconds = 10.0
    public static let defaultMinimumRepeats = 3

    public static func loops(in calls: [Call], maxGapSeconds: Double = defaultGapSeconds,
                             minimumRepeats: Int = defaultMinimumRepeats) -> [RetryLoop] {
        let gap = Int64(maxGapSeconds * 1_000_000)
        var found: [RetryLoop] = []
        let byFingerprint = Dictionary(grouping: calls, by: \.fingerprint)
        for (fingerprint, group) in byFingerprint where group.count >= minimumRepeats {
            let ordered = group.sorted { ($0.timestampMicros, $0.id) < ($1.timestampMicros, $1.id) }
            var run: [Call] = []
            func close() {
                if run.count >= minimumRepeats, let first = run.first, let last = run.last {
                    found.append(RetryLoop(fingerprint: fingerprint, source: first.source, model: first.model, count: run.count,
                                           firstMicros: first.timestampMicros, lastMicros: last.timestampMicros,
                                           callIDs: run.map(\.id)))
                }
                run = []
            }
            for call in ordered {
                if let previous = run.last, call.timestampMicros - previous.timestampMicros > gap { close() }
                run.append(call)
            }
            close()
        }
        return found.sorted { ($0.firstMicros, $0.fingerprint) < ($1.firstMicros, $1.fingerprint) }
    }
}

extension CallStore {
    /// Retry loops among the window's calls.
    public func retryLoops(in window: TimeWindow, maxGapSeconds: Double = RetryLoopDetector.defaultGapSeconds,
                           minimumRepeats: Int = RetryLoopDetector.defaultMinimumRepeats) async throws -> [RetryLoop] {
        let calls = try await read { db in
            // Only fingerprints seen often enough can form a loop: a cheap first cut.
            try Row.fetchAll(db, sql: """
                SELECT id, fingerprint, ts, source, COALESCE(model, requested_model) AS model FROM calls
                WHERE ts >= ? AND ts < ? AND instr(id, '.') = 0 AND fingerprint IN (
                    SELECT fingerprint FROM calls WHERE ts >= ? AND ts < ? AND fingerprint IS NOT NULL AND instr(id, '.') = 0
                    GROUP BY fingerprint HAVING COUNT(*) >= ?)
                """, arguments: [window.startMicros, window.endMicros, window.startMicros, window.endMicros, minimumRepeats])
                .map { row in
                    RetryLoopDetector.Call(id: row["id"], fingerprint: row["fingerprint"], timestampMicros: row["ts"],
                                           source: row["source"], model: row["model"])
                }
        }
        return RetryLoopDetector.loops(in: calls, maxGapSeconds: maxGapSeconds, minimumRepeats: minimumRepeats)
    }
}
