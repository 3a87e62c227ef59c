import Foundation
import GRDB

/// A call as session and pattern detection need it: when, who, what it used and cost, and the
/// request fingerprint. Failed fallback attempts are not included (they are the proxy's own
/// retries, not the client's).
public struct SessionCallRow: Sendable, Equatable {
    public var id: String
    public var timestampMicros: Int64
    public var source: String
    public var sessionID: String?
    public var provider: String
    public var model: String?
    public var outcome: String
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var cacheReadTokens: Int64
    public var cacheWriteTokens: Int64
    public var costPico: Int64?
    public var fingerprint: String?
}

/// Latency of one call that reached a provider.
public struct LatencySample: Sendable, Equatable {
    public var provider: String
    public var model: String?
    public var latencyMs: Double
    public var ttftMs: Double?
    public var failed: Bool
    public var rateLimited: Bool
}

/// Provider 429s in one UTC hour.
public struct RateLimitHour: Sendable, Equatable {
    public var hourMicros: Int64
    public var provider: String
    public var model: String?
    public var count: Int64
}

/// A recent call with its prompt sections (nil when it was not analysed).
public struct HeatmapCallRow: Sendable, Equatable {
    public var id: String
    public var timestampMicros: Int64
    public var source: String
    public var model: String?
    public var system: Int64?
    public var tools: Int64?
    public var context: Int64?
    public var history: Int64?
    public var query: Int64?
}

extension CallStore {
    /// Calls in `[fromMicros, toMicros)` for session grouping, oldest first. With
    /// `repeatedAtLeast`, only calls whose request (fingerprint) was sent that many times in the
    /// range: the only ones that can form a retry loop, a cheap first cut over a long window.
    public func sessionCalls(fromMicros: Int64, toMicros: Int64, repeatedAtLeast: Int? = nil) async throws -> [SessionCallRow] {
        var sql = """
            SELECT id, ts, source, session_id, provider, COALESCE(model, requested_model), outcome, input_tokens,
                   output_tokens, cache_read_tokens, cache_write_tokens, cost_pico, fingerprint
            FROM calls WHERE ts >= ? AND ts < ? AND instr(id, '.') = 0
            """
        var arguments: StatementArguments = [fromMicros, toMicros]
        if let repeatedAtLeast {
            sql += """
                 AND fingerprint IN (
                    SELECT fingerprint FROM calls WHERE ts >= ? AND ts < ? AND fingerprint IS NOT NULL AND instr(id, '.') = 0
                    GROUP BY fingerprint HAVING COUNT(*) >= ?)
                """
            arguments += [fromMicros, toMicros, repeatedAtLeast]
        }
        sql += " ORDER BY ts, id"
        return try await read { [sql, arguments] db in
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            var calls: [SessionCallRow] = []
            while let row = try cursor.next() {
                calls.append(SessionCallRow(
                    id: row[0], timestampMicros: row[1], source: row[2], sessionID: row[3], provider: row[4],
                    model: row[5], outcome: row[6], inputTokens: row[7], outputTokens: row[8],
                    cacheReadTokens: row[9], cacheWriteTokens: row[10], costPico: row[11], fingerprint: row[12]))
            }
            return calls
        }
    }

    /// Latency of every call in the window that reached a provider (fallback attempts included:
    /// they are the provider's answers too).
    public func latencySamples(in window: TimeWindow) async throws -> [LatencySample] {
        try await read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT provider, COALESCE(model, requested_model), latency_ms, ttft_ms, outcome = 'upstream_error',
                       status_code = 429
                FROM calls WHERE ts >= ? AND ts < ? AND outcome != 'blocked'
                """, arguments: [window.startMicros, window.endMicros])
            var samples: [LatencySample] = []
            while let row = try cursor.next() {
                samples.append(LatencySample(provider: row[0], model: row[1], latencyMs: row[2], ttftMs: row[3],
                                             failed: row[4], rateLimited: row[5]))
            }
            return samples
        }
    }

    /// Provider 429s per hour, provider and model; and how many calls TokenLens itself refused
    /// with a 429 (budgets and quotas) in the same window.
    public func rateLimits(in window: TimeWindow) async throws -> (hours: [RateLimitHour], refusedByLimits: Int64) {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT ts / 3600000000 AS hour, provider, COALESCE(model, requested_model) AS model, COUNT(*) AS count
                FROM calls INDEXED BY calls_rate_limited
                WHERE status_code = 429 AND ts >= ? AND ts < ? AND outcome != 'blocked'
                GROUP BY hour, provider, model ORDER BY hour, provider, model
                """, arguments: [window.startMicros, window.endMicros])
            let refused = try Int64.fetchOne(db, sql: """
                SELECT COUNT(*) FROM calls INDEXED BY calls_rate_limited
                WHERE status_code = 429 AND ts >= ? AND ts < ? AND outcome = 'blocked'
                """, arguments: [window.startMicros, window.endMicros]) ?? 0
            let hours = rows.map { row in
                RateLimitHour(hourMicros: (row["hour"] as Int64) * 3_600_000_000, provider: row["provider"],
                              model: row["model"], count: row["count"])
            }
            return (hours, refused)
        }
    }

    /// The newest `limit` calls of the window with their prompt sections.
    public func heatmapCalls(in window: TimeWindow, limit: Int) async throws -> [HeatmapCallRow] {
        let limit = min(max(limit, 1), 1_000)
        return try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, ts, source, COALESCE(model, requested_model), heat_system, heat_tools, heat_context,
                       heat_history, heat_query
                FROM calls WHERE ts >= ? AND ts < ? AND instr(id, '.') = 0 ORDER BY ts DESC LIMIT \(limit)
                """, arguments: [window.startMicros, window.endMicros]).map { row in
                HeatmapCallRow(id: row[0], timestampMicros: row[1], source: row[2], model: row[3], system: row[4],
                               tools: row[5], context: row[6], history: row[7], query: row[8])
            }
        }
    }

    /// The models recorded in the window (served model, else the requested one), with calls.
    public func models(in window: TimeWindow, plan: RollupPlan) async throws -> [(model: String, calls: Int64)] {
        try await usage(in: window, by: [.model], plan: plan).compactMap { slice in
            slice.model.map { ($0, slice.measures.calls) }
        }
    }
}
