import Foundation
import GRDB

/// Retention (`[storage] retention_days`): calls older than the window are folded into
/// `daily_rollups` (per UTC day × source × model × provider) and deleted, with their request
/// logs. Each day is rolled up and deleted in one transaction, so every query that adds live
/// calls to rollups sees a day exactly once, whether a prune is running or not.
extension CallStore {
    /// What `prune(retentionDays:now:)` would remove, without changing anything.
    public func prunePlan(retentionDays: Int, now: Date = Date()) async throws -> PruneReport {
        let cutoff = Self.pruneCutoff(retentionDays: retentionDays, now: now)
        return try await read { db in
            let days = try Row.fetchAll(db, sql: """
                SELECT ts / 86400000000 AS day, COUNT(*) AS calls, TOTAL(cost_pico) AS cost
                FROM calls WHERE ts < ? GROUP BY day ORDER BY day
                """, arguments: [cutoff]).map { row in
                    PruneReport.Day(date: TimeWindow.dayLabel(micros: (row["day"] as Int64) * 86_400_000_000),
                                    calls: row["calls"], costPico: Int64((row["cost"] as Double?) ?? 0))
                }
            let logs = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM request_logs WHERE ts < ?", arguments: [cutoff]) ?? 0
            return PruneReport(retentionDays: retentionDays, cutoffMicros: cutoff, days: days, requestLogs: logs, applied: false)
        }
    }

    /// Rolls up and deletes every call older than the retention window; returns what it removed.
    @discardableResult
    public func prune(retentionDays: Int, now: Date = Date()) async throws -> PruneReport {
        var report = try await prunePlan(retentionDays: retentionDays, now: now)
        let cutoff = report.cutoffMicros
        var done: [PruneReport.Day] = []
        for day in report.days {
            let start = Self.micros(ofDay: day.date)
            let end = min(start + 86_400_000_000, cutoff)
            // Recounted inside the transaction: calls may have been ingested since the plan.
            let pruned = try await pool.write { db -> PruneReport.Day in
                let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS calls, TOTAL(cost_pico) AS cost FROM calls WHERE ts >= ? AND ts < ?",
                                           arguments: [start, end])
                try db.execute(sql: Self.rollupUpsertSQL, arguments: [start, end])
                try db.execute(sql: "DELETE FROM request_logs WHERE call_id IN (SELECT id FROM calls WHERE ts >= ? AND ts < ?)",
                               arguments: [start, end])
                try db.execute(sql: "DELETE FROM calls WHERE ts >= ? AND ts < ?", arguments: [start, end])
                try Self.bumpDayVersions([start / Self.microsPerDay], in: db)
                return PruneReport.Day(date: day.date, calls: row?["calls"] ?? 0, costPico: Int64((row?["cost"] as Double?) ?? 0))
            }
            done.append(pruned)
        }
        // Logs whose call is already gone (or never recorded) follow the same window.
        let logs = try await pool.write { db -> Int64 in
            try db.execute(sql: "DELETE FROM request_logs WHERE ts < ?", arguments: [cutoff])
            return Int64(db.changesCount)
        }
        report.days = done
        report.requestLogs = max(report.requestLogs, logs)
        report.applied = true
        return report
    }

    /// The first instant kept: the start (UTC) of the oldest of the last `retentionDays` days,
    /// the same window `?days=N` reads.
    static func pruneCutoff(retentionDays: Int, now: Date) -> Int64 {
        TimeWindow(days: max(1, retentionDays), now: now).startMicros
    }

    static func micros(ofDay label: String) -> Int64 {
        let parts = label.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return 0 }
        return Int64(daysFromCivil(year: parts[0], month: parts[1], day: parts[2])) * 86_400_000_000
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant), the inverse of `TimeWindow.dayLabel`.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Adds the calls of `[start, end)` to their rollup rows (a day pruned twice, say after a
    /// late ingest, accumulates).
    static let rollupUpsertSQL = """
        INSERT INTO daily_rollups (
            day, source, model, provider, calls, priced_calls, unpriced_calls, errors, blocked, cancelled,
            input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
            cost_pico, cost_input_pico, cost_output_pico, cost_reasoning_pico, cost_cache_read_pico,
            cost_cache_write_pico, cache_savings_pico, latency_ms, last_ts)
        SELECT ts / 86400000000 AS d, source, COALESCE(model, requested_model, '') AS m, provider,
               COUNT(*), COUNT(cost_pico),
               SUM(cost_pico IS NULL AND outcome IN ('ok', 'client_cancelled', 'guardrail_warned')
                   AND COALESCE(model, requested_model) IS NOT NULL),
               SUM(outcome = 'upstream_error'), SUM(outcome = 'blocked'), SUM(outcome = 'client_cancelled'),
               SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(reasoning_tokens),
               SUM(cost_pico), SUM(cost_input_pico), SUM(cost_output_pico), SUM(cost_reasoning_pico),
               SUM(cost_cache_read_pico), SUM(cost_cache_write_pico), SUM(cache_savings_pico), TOTAL(latency_ms), MAX(ts)
        FROM calls WHERE ts >= ? AND ts < ?
        GROUP BY d, source, m, provider
        ON CONFLICT (day, source, model, provider) DO UPDATE SET
            calls = calls + excluded.calls,
            priced_calls = priced_calls + excluded.priced_calls,
            unpriced_calls = unpriced_calls + excluded.unpriced_calls,
            errors = errors + excluded.errors,
            blocked = blocked + excluded.blocked,
            cancelled = cancelled + excluded.cancelled,
            input_tokens = input_tokens + excluded.input_tokens,
            output_tokens = output_tokens + excluded.output_tokens,
            cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
            cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
            reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
            cost_pico = COALESCE(cost_pico + excluded.cost_pico, cost_pico, excluded.cost_pico),
            cost_input_pico = COALESCE(cost_input_pico + excluded.cost_input_pico, cost_input_pico, excluded.cost_input_pico),
            cost_output_pico = COALESCE(cost_output_pico + excluded.cost_output_pico, cost_output_pico, excluded.cost_output_pico),
            cost_reasoning_pico = COALESCE(cost_reasoning_pico + excluded.cost_reasoning_pico, cost_reasoning_pico, excluded.cost_reasoning_pico),
            cost_cache_read_pico = COALESCE(cost_cache_read_pico + excluded.cost_cache_read_pico, cost_cache_read_pico, excluded.cost_cache_read_pico),
            cost_cache_write_pico = COALESCE(cost_cache_write_pico + excluded.cost_cache_write_pico, cost_cache_write_pico, excluded.cost_cache_write_pico),
            cache_savings_pico = COALESCE(cache_savings_pico + excluded.cache_savings_pico, cache_savings_pico, excluded.cache_savings_pico),
            latency_ms = latency_ms + excluded.latency_ms,
            last_ts = MAX(last_ts, excluded.last_ts)
        """
}
