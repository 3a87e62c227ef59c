import Foundation
import GRDB

/// Daily rollups of the `calls` table, built on first use for completed UTC days and read
/// together with today's calls, which are aggregated live. Every measure is a sum, so a view
/// over any set of days and any subset of the key columns re-aggregates rollup rows and live
/// groups alike. Prompt-size brackets follow the price table's long-context thresholds, so
/// re-pricing a rollup row is exact.
public struct RollupPlan: Sendable, Equatable {
    /// Ascending long-context thresholds (prompt tokens) of the price table in use.
    public var thresholds: [Int64]

    public init(thresholds: [Int64]) {
        self.thresholds = Array(Set(thresholds.filter { $0 > 0 })).sorted()
    }

    /// Rollups built under another plan (or another version of the measures) are rebuilt.
    var signature: String {
        "u1:\(RollupPlan.largePrompt):\(RollupPlan.cacheableSystem):\(RollupPlan.slowMs):\(RollupPlan.longOutput):"
            + thresholds.map(String.init).joined(separator: ",")
    }

    /// A prompt above this many tokens counts as large (the prompt-size check).
    public static let largePrompt: Int64 = 32_000
    /// System prompt and tools at least this long could be cached (the providers' minimum).
    public static let cacheableSystem: Int64 = 1_024
    /// A call at least this slow counts as slow (the streaming check).
    public static let slowMs: Int64 = 20_000
    /// An answer at least this long counts as long (the streaming check).
    public static let longOutput: Int64 = 1_000

    /// The bracket of a prompt: how many thresholds it exceeds (0 for a short prompt).
    var bracketSQL: String {
        let prompt = "(input_tokens + cache_read_tokens + cache_write_tokens)"
        guard !thresholds.isEmpty else { return "0" }
        return thresholds.map { "(\(prompt) > \($0))" }.joined(separator: " + ")
    }

    /// A prompt size inside `bracket`, for choosing the rates a bracket is billed at.
    public func representativePromptTokens(bracket: Int) -> Int64 {
        guard bracket > 0, bracket <= thresholds.count else { return 0 }
        return thresholds[bracket - 1] + 1
    }
}

/// The columns of the rollup tables and the SQL that fills them from `calls`.
enum RollupColumns {
    static let prompt = "(input_tokens + cache_read_tokens + cache_write_tokens)"
    static let succeeded = "outcome IN ('ok', 'guardrail_warned')"
    static let systemAndTools = "(heat_system + heat_tools)"

    /// Key columns of `rollup_usage`, with their expression over `calls`.
    static func usageKeys(_ plan: RollupPlan) -> [(name: String, expression: String)] {
        [
            ("day", "ts / 86400000000"), ("provider", "provider"), ("source", "source"),
            ("model", "COALESCE(model, requested_model)"), ("tags", "tags"), ("stream", "stream"),
            ("outcome", "outcome"), ("service_tier", "service_tier"), ("priced", "cost_pico IS NOT NULL"),
            ("bracket", plan.bracketSQL),
        ]
    }

    /// Measures of `rollup_usage`: each a sum over the calls of a group.
    static let usageMeasures: [(name: String, aggregate: String)] = [
        ("calls", "COUNT(*)"),
        ("rate_limited", "SUM(status_code = 429 AND outcome != 'blocked')"),
        ("fallback_attempts", "SUM(instr(id, '.') > 0)"),
        ("input_tokens", "SUM(input_tokens)"),
        ("output_tokens", "SUM(output_tokens)"),
        ("cache_read_tokens", "SUM(cache_read_tokens)"),
        ("cache_write_tokens", "SUM(cache_write_tokens)"),
        // Clamped as the cost calculator clamps them, so sums re-price exactly.
        ("cache_write_1h_tokens", "SUM(MIN(cache_write_1h_tokens, cache_write_tokens))"),
        ("reasoning_tokens", "SUM(MIN(reasoning_tokens, output_tokens))"),
        ("cost_pico", "COALESCE(SUM(cost_pico), 0)"),
        ("cost_input_pico", "COALESCE(SUM(cost_input_pico), 0)"),
        ("cost_output_pico", "COALESCE(SUM(cost_output_pico), 0)"),
        ("cost_reasoning_pico", "COALESCE(SUM(cost_reasoning_pico), 0)"),
        ("cost_cache_read_pico", "COALESCE(SUM(cost_cache_read_pico), 0)"),
        ("cost_cache_write_pico", "COALESCE(SUM(cost_cache_write_pico), 0)"),
        ("cache_savings_pico", "COALESCE(SUM(cache_savings_pico), 0)"),
        ("latency_ms", "TOTAL(latency_ms)"),
        ("ttft_ms", "TOTAL(ttft_ms)"),
        ("ttft_calls", "COUNT(ttft_ms)"),
        ("overhead_ms", "TOTAL(overhead_ms)"),
        ("analysed_calls", "COUNT(heat_system)"),
        ("heat_system", "COALESCE(SUM(heat_system), 0)"),
        ("heat_tools", "COALESCE(SUM(heat_tools), 0)"),
        ("heat_context", "COALESCE(SUM(heat_context), 0)"),
        ("heat_history", "COALESCE(SUM(heat_history), 0)"),
        ("heat_query", "COALESCE(SUM(heat_query), 0)"),
        ("waste_whitespace", "COALESCE(SUM(waste_whitespace), 0)"),
        ("waste_filler", "COALESCE(SUM(waste_filler), 0)"),
        ("waste_repeated", "COALESCE(SUM(waste_repeated), 0)"),
        ("empty_messages", "COALESCE(SUM(empty_messages), 0)"),
        ("message_count", "COALESCE(SUM(message_count), 0)"),
        ("uncached_system_calls",
         "SUM(COALESCE(\(systemAndTools) >= \(RollupPlan.cacheableSystem) AND cache_read_tokens = 0 AND \(succeeded), 0))"),
        ("uncached_system_tokens",
         "COALESCE(SUM(CASE WHEN \(systemAndTools) >= \(RollupPlan.cacheableSystem) AND cache_read_tokens = 0 AND \(succeeded) THEN \(systemAndTools) END), 0)"),
        ("capped_calls", "COUNT(max_output_tokens)"),
        ("cap_tokens", "COALESCE(SUM(max_output_tokens), 0)"),
        ("capped_output_tokens", "COALESCE(SUM(CASE WHEN max_output_tokens IS NOT NULL THEN output_tokens END), 0)"),
        ("cap_low_use_calls", "SUM(COALESCE(max_output_tokens > 0 AND output_tokens * 10 < max_output_tokens, 0))"),
        ("cap_hit_calls", "SUM(COALESCE(max_output_tokens > 0 AND output_tokens >= max_output_tokens, 0))"),
        ("large_prompt_calls", "SUM(\(prompt) > \(RollupPlan.largePrompt))"),
        ("large_prompt_excess", "SUM(MAX(\(prompt) - \(RollupPlan.largePrompt), 0))"),
        ("slow_calls", "SUM(latency_ms >= \(RollupPlan.slowMs))"),
        ("long_output_calls", "SUM(output_tokens >= \(RollupPlan.longOutput))"),
    ]

    /// Key columns of `rollup_complexity` (successful analysed calls only).
    static func complexityKeys(_ plan: RollupPlan) -> [(name: String, expression: String)] {
        [
            ("day", "ts / 86400000000"), ("provider", "provider"), ("source", "source"),
            ("model", "COALESCE(model, requested_model)"), ("service_tier", "service_tier"),
            ("priced", "cost_pico IS NOT NULL"), ("bracket", plan.bracketSQL), ("complexity", "complexity"),
        ]
    }

    static let complexityMeasures: [(name: String, aggregate: String)] = [
        ("calls", "COUNT(*)"),
        ("input_tokens", "SUM(input_tokens)"),
        ("output_tokens", "SUM(output_tokens)"),
        ("cache_read_tokens", "SUM(cache_read_tokens)"),
        ("cache_write_tokens", "SUM(cache_write_tokens)"),
        ("cache_write_1h_tokens", "SUM(MIN(cache_write_1h_tokens, cache_write_tokens))"),
        ("reasoning_tokens", "SUM(MIN(reasoning_tokens, output_tokens))"),
        ("cost_pico", "COALESCE(SUM(cost_pico), 0)"),
    ]

    static let complexityFilter = "complexity IS NOT NULL AND \(succeeded)"

    /// `SELECT keys, measures FROM calls WHERE ts in [?, ?) [AND filter] GROUP BY keys`.
    static func liveSelect(keys: [(name: String, expression: String)], measures: [(name: String, aggregate: String)],
                           filter: String? = nil) -> String {
        let keyList = keys.map { "\($0.expression) AS \($0.name)" }.joined(separator: ", ")
        let measureList = measures.map { "\($0.aggregate) AS \($0.name)" }.joined(separator: ", ")
        let groups = keys.map(\.name).joined(separator: ", ")
        let condition = filter.map { " AND \($0)" } ?? ""
        return "SELECT \(keyList), \(measureList) FROM calls WHERE ts >= ? AND ts < ?\(condition) GROUP BY \(groups)"
    }

    static func storedSelect(table: String, keys: [(name: String, expression: String)],
                             measures: [(name: String, aggregate: String)]) -> String {
        let columns = (keys.map(\.name) + measures.map(\.name)).joined(separator: ", ")
        return "SELECT \(columns) FROM \(table) WHERE day >= ? AND day < ?"
    }
}

extension CallStore {
    static let microsPerDay: Int64 = 86_400_000_000

    /// Builds the rollups of every completed day in `[firstDay, untilDay)` that has none (or
    /// has stale ones), one day per write transaction so the recorder is never held up for
    /// long. Days before the first stored call are skipped: they have nothing to add up.
    public func ensureRollups(firstDay: Int64, untilDay: Int64, plan: RollupPlan) async throws {
        guard firstDay < untilDay else { return }
        let signature = plan.signature
        let (firstCall, built) = try await read { db -> (Int64?, Set<Int64>) in
            let first = try Int64.fetchOne(db, sql: "SELECT MIN(ts) FROM calls")
            let days = try Int64.fetchAll(db, sql: "SELECT day FROM rollup_days WHERE day >= ? AND day < ? AND signature = ?",
                                          arguments: [firstDay, untilDay, signature])
            return (first, Set(days))
        }
        guard let firstCall else { return }
        let start = max(firstDay, Self.day(ofMicros: firstCall))
        guard start < untilDay else { return }
        for day in start..<untilDay where !built.contains(day) {
            try await pool.write { db in try Self.buildRollup(day: day, plan: plan, signature: signature, in: db) }
        }
    }

    static func buildRollup(day: Int64, plan: RollupPlan, signature: String, in db: Database) throws {
        if try Int64.fetchOne(db, sql: "SELECT 1 FROM rollup_days WHERE day = ? AND signature = ?",
                              arguments: [day, signature]) != nil {
            return
        }
        let range: StatementArguments = [day * microsPerDay, (day + 1) * microsPerDay]
        try db.execute(sql: "DELETE FROM rollup_usage WHERE day = ?", arguments: [day])
        try db.execute(sql: "DELETE FROM rollup_complexity WHERE day = ?", arguments: [day])
        let usageKeys = RollupColumns.usageKeys(plan)
        let usageColumns = (usageKeys.map(\.name) + RollupColumns.usageMeasures.map(\.name)).joined(separator: ", ")
        try db.execute(sql: "INSERT INTO rollup_usage (\(usageColumns)) "
                       + RollupColumns.liveSelect(keys: usageKeys, measures: RollupColumns.usageMeasures),
                       arguments: range)
        let complexityKeys = RollupColumns.complexityKeys(plan)
        let complexityColumns = (complexityKeys.map(\.name) + RollupColumns.complexityMeasures.map(\.name)).joined(separator: ", ")
        try db.execute(sql: "INSERT INTO rollup_complexity (\(complexityColumns)) "
                       + RollupColumns.liveSelect(keys: complexityKeys, measures: RollupColumns.complexityMeasures,
                                                  filter: RollupColumns.complexityFilter),
                       arguments: range)
        try db.execute(sql: "INSERT OR REPLACE INTO rollup_days (day, built_at, signature) VALUES (?, ?, ?)",
                       arguments: [day, Int64(Date().timeIntervalSince1970 * 1_000_000), signature])
    }

    /// When each rolled-up day in `[firstDay, untilDay)` was built: a day's derived results
    /// can be cached until this changes.
    public func rollupStamps(firstDay: Int64, untilDay: Int64) async throws -> [Int64: Int64] {
        try await read { db in
            var stamps: [Int64: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT day, built_at FROM rollup_days WHERE day >= ? AND day < ?",
                                        arguments: [firstDay, untilDay]) {
                stamps[row["day"]] = row["built_at"]
            }
            return stamps
        }
    }

    static func day(ofMicros micros: Int64) -> Int64 {
        micros >= 0 ? micros / microsPerDay : (micros - microsPerDay + 1) / microsPerDay
    }

    /// The day today is, by the clock (UTC).
    static func today(now: Date = Date()) -> Int64 {
        day(ofMicros: Int64(now.timeIntervalSince1970 * 1_000_000))
    }

    /// The days of `window` read from rollups (completed days) and from live calls (today).
    static func split(_ window: TimeWindow, now: Date = Date()) -> (firstDay: Int64, liveDay: Int64, endDay: Int64) {
        let firstDay = day(ofMicros: window.startMicros)
        let endDay = day(ofMicros: window.endMicros)
        let liveDay = max(firstDay, min(endDay - 1, today(now: now)))
        return (firstDay, liveDay, endDay)
    }
}
