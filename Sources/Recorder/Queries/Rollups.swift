import Foundation
import GRDB
import Providers

/// How calls are rolled up: prompt-size brackets follow the price table's long-context
/// thresholds, so re-pricing a rollup row at any model's rates is exact.
public struct RollupPlan: Sendable, Equatable {
    /// Ascending long-context thresholds (prompt tokens) of the price table in use.
    public var thresholds: [Int64]

    public init(thresholds: [Int64]) {
        self.thresholds = Array(Set(thresholds.filter { $0 > 0 })).sorted()
    }

    /// Rollups built under another plan (or another version of the measures) are rebuilt.
    var signature: String {
        "u2:\(RollupPlan.largePrompt):\(RollupPlan.cacheableSystem):\(RollupPlan.slowMs):\(RollupPlan.longOutput):"
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
        guard !thresholds.isEmpty else { return "0" }
        return thresholds.map { "(\(RollupTable.prompt) > \($0))" }.joined(separator: " + ")
    }

    /// A prompt size inside `bracket`, for choosing the rates a bracket is billed at.
    public func representativePromptTokens(bracket: Int) -> Int64 {
        guard bracket > 0, bracket <= thresholds.count else { return 0 }
        return thresholds[bracket - 1] + 1
    }
}

/// A rollup table: its key columns and measures, each with the SQL that computes it from
/// `calls`, and which calls it holds. Every measure is a sum, so rows of any set of periods
/// re-aggregate over any subset of the keys.
struct RollupTable: Sendable {
    typealias Column = (name: String, sql: String)

    let name: String
    let keys: @Sendable (RollupPlan) -> [Column]
    let measures: [Column]
    let filter: String?

    static let prompt = "(input_tokens + cache_read_tokens + cache_write_tokens)"
    static let succeeded = "outcome IN ('ok', 'guardrail_warned')"
    static let systemAndTools = "(heat_system + heat_tools)"

    static let tokenMeasures: [Column] = [
        ("calls", "COUNT(*)"),
        ("input_tokens", "SUM(input_tokens)"),
        ("output_tokens", "SUM(output_tokens)"),
        ("cache_read_tokens", "SUM(cache_read_tokens)"),
        ("cache_write_tokens", "SUM(cache_write_tokens)"),
        // Clamped as the cost calculator clamps them, so sums re-price exactly.
        ("cache_write_1h_tokens", "SUM(MIN(cache_write_1h_tokens, cache_write_tokens))"),
        ("reasoning_tokens", "SUM(MIN(reasoning_tokens, output_tokens))"),
        ("cost_pico", "COALESCE(SUM(cost_pico), 0)"),
    ]

    /// Every call, by provider, source, model, stream, outcome, service tier, pricing and
    /// prompt bracket, with everything the analyses add up.
    static let usage = RollupTable(
        name: "rollup_usage",
        keys: { plan in
            [("provider", "provider"), ("source", "source"), ("model", "COALESCE(model, requested_model)"),
             ("stream", "stream"), ("outcome", "outcome"), ("service_tier", "service_tier"),
             ("priced", "cost_pico IS NOT NULL"), ("bracket", plan.bracketSQL)]
        },
        measures: tokenMeasures + [
            ("rate_limited", "SUM(status_code = 429 AND outcome != 'blocked')"),
            ("fallback_attempts", "SUM(instr(id, '.') > 0)"),
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
        ],
        filter: nil)

    /// Tagged calls by their set of tags (kept apart: tags multiply the groups of `usage`).
    static let tags = RollupTable(name: "rollup_tags", keys: { _ in [("tags", "tags")] }, measures: tokenMeasures,
                                  filter: "tags IS NOT NULL")

    /// Successful analysed calls by source, model, service tier, bracket and complexity score.
    static let complexity = RollupTable(
        name: "rollup_complexity",
        keys: { plan in
            [("provider", "provider"), ("source", "source"), ("model", "COALESCE(model, requested_model)"),
             ("service_tier", "service_tier"), ("priced", "cost_pico IS NOT NULL"), ("bracket", plan.bracketSQL),
             ("complexity", "complexity")]
        },
        measures: tokenMeasures, filter: "complexity IS NOT NULL AND \(succeeded)")

    static let all = [usage, tags, complexity]

    /// `SELECT day, hour, keys, measures FROM calls WHERE ts in [?, ?) GROUP BY day, hour, keys`,
    /// with `hour` NULL for day rows.
    func fromCalls(_ plan: RollupPlan, hourly: Bool) -> String {
        let keys = keys(plan)
        let periods = "ts / 86400000000 AS day, " + (hourly ? "ts / 3600000000" : "NULL") + " AS hour"
        let keyList = keys.map { "\($0.sql) AS \($0.name)" }.joined(separator: ", ")
        let measureList = measures.map { "\($0.sql) AS \($0.name)" }.joined(separator: ", ")
        let groups = (["day", "hour"] + keys.map(\.name)).joined(separator: ", ")
        let condition = filter.map { " AND \($0)" } ?? ""
        return "SELECT \(periods), \(keyList), \(measureList) FROM calls WHERE ts >= ? AND ts < ?\(condition) GROUP BY \(groups)"
    }

    func columns(_ plan: RollupPlan) -> String {
        (["day", "hour"] + keys(plan).map(\.name) + measures.map(\.name)).joined(separator: ", ")
    }

    /// The rows of a window's completed days: day rollups `[?, ?)` (`RollupSpan.dayArguments`).
    func completedDays(_ plan: RollupPlan) -> String {
        "SELECT \(columns(plan)) FROM \(name) WHERE day >= ? AND day < ? AND hour IS NULL"
    }

    /// The rows of the rest of a window: rolled-up hours `[?, ?)` of the live day `?`, and the
    /// calls from `?` on, live (`RollupSpan.recentArguments`).
    func recent(_ plan: RollupPlan) -> String {
        "SELECT \(columns(plan)) FROM \(name) WHERE day = ? AND hour >= ? AND hour < ?"
            + " UNION ALL " + fromCalls(plan, hourly: false)
    }
}

/// Which parts of a window come from day rollups, hour rollups and live calls: the days
/// before the live day (today) from day rollups, the hours of today before the current hour
/// from hour rollups, the current hour from its calls.
public struct RollupSpan: Sendable, Equatable {
    public static let microsPerDay: Int64 = 86_400_000_000
    public static let microsPerHour: Int64 = 3_600_000_000

    public var firstDay: Int64
    /// The day read from hours and live calls (today, or the first day of a window in the past).
    public var liveDay: Int64
    /// Hours of the live day before this one come from hour rollups.
    public var liveHour: Int64
    public var endMicros: Int64

    public init(_ window: TimeWindow, now: Date) {
        let nowMicros = Int64(now.timeIntervalSince1970 * 1_000_000)
        let today = CallStore.floorDiv(nowMicros, Self.microsPerDay)
        firstDay = CallStore.floorDiv(window.startMicros, Self.microsPerDay)
        let endDay = CallStore.floorDiv(window.endMicros, Self.microsPerDay)
        liveDay = max(firstDay, min(endDay - 1, today))
        liveHour = liveDay == today ? CallStore.floorDiv(nowMicros, Self.microsPerHour) : liveDay * 24
        endMicros = window.endMicros
    }

    public var liveMicros: Int64 { liveHour * Self.microsPerHour }

    var dayArguments: [Int64] { [firstDay, liveDay] }
    var recentArguments: [Int64] { [liveDay, liveDay * 24, liveHour, liveMicros, endMicros] }
}

extension CallStore {
    static let microsPerDay: Int64 = RollupSpan.microsPerDay

    /// Builds the rollups of every completed day and hour of `span` that has none (or stale
    /// ones), one period per write transaction so the recorder is never held up for long.
    /// Periods before the first stored call are skipped: they have nothing to add up.
    func ensureRollups(_ span: RollupSpan, plan: RollupPlan) async throws {
        let signature = plan.signature
        let (firstCall, days, hours) = try await read { db -> (Int64?, Set<Int64>, Set<Int64>) in
            let first = try Int64.fetchOne(db, sql: "SELECT MIN(ts) FROM calls")
            let days = try Int64.fetchAll(db, sql: "SELECT day FROM rollup_days WHERE day >= ? AND day < ? AND signature = ?",
                                          arguments: [span.firstDay, span.liveDay, signature])
            let hours = try Int64.fetchAll(db, sql: "SELECT hour FROM rollup_hours WHERE hour >= ? AND hour < ? AND signature = ?",
                                           arguments: [span.liveDay * 24, span.liveHour, signature])
            return (first, Set(days), Set(hours))
        }
        guard let firstCall else { return }
        let firstDay = max(span.firstDay, Self.floorDiv(firstCall, RollupSpan.microsPerDay))
        if firstDay < span.liveDay {
            for day in firstDay..<span.liveDay where !days.contains(day) {
                try await pool.write { db in try Self.buildDay(day, plan: plan, signature: signature, in: db) }
            }
        }
        let firstHour = max(span.liveDay * 24, Self.floorDiv(firstCall, RollupSpan.microsPerHour))
        if firstHour < span.liveHour {
            for hour in firstHour..<span.liveHour where !hours.contains(hour) {
                try await pool.write { db in try Self.buildHour(hour, plan: plan, signature: signature, in: db) }
            }
        }
    }

    static func buildDay(_ day: Int64, plan: RollupPlan, signature: String, in db: Database) throws {
        if try Int64.fetchOne(db, sql: "SELECT 1 FROM rollup_days WHERE day = ? AND signature = ?",
                              arguments: [day, signature]) != nil {
            return
        }
        let range: StatementArguments = [day * RollupSpan.microsPerDay, (day + 1) * RollupSpan.microsPerDay]
        for table in RollupTable.all {
            try db.execute(sql: "DELETE FROM \(table.name) WHERE day = ?", arguments: [day])
            try db.execute(sql: "INSERT INTO \(table.name) (\(table.columns(plan))) " + table.fromCalls(plan, hourly: false),
                           arguments: range)
        }
        try db.execute(sql: "DELETE FROM rollup_hours WHERE hour >= ? AND hour < ?", arguments: [day * 24, day * 24 + 24])
        try db.execute(sql: "INSERT OR REPLACE INTO rollup_days (day, built_at, signature) VALUES (?, ?, ?)",
                       arguments: [day, stamp(), signature])
    }

    static func buildHour(_ hour: Int64, plan: RollupPlan, signature: String, in db: Database) throws {
        if try Int64.fetchOne(db, sql: "SELECT 1 FROM rollup_hours WHERE hour = ? AND signature = ?",
                              arguments: [hour, signature]) != nil {
            return
        }
        let range: StatementArguments = [hour * RollupSpan.microsPerHour, (hour + 1) * RollupSpan.microsPerHour]
        for table in RollupTable.all {
            try db.execute(sql: "DELETE FROM \(table.name) WHERE day = ? AND hour = ?", arguments: [hour / 24, hour])
            try db.execute(sql: "INSERT INTO \(table.name) (\(table.columns(plan))) " + table.fromCalls(plan, hourly: true),
                           arguments: range)
        }
        try db.execute(sql: "INSERT OR REPLACE INTO rollup_hours (hour, built_at, signature) VALUES (?, ?, ?)",
                       arguments: [hour, stamp(), signature])
    }

    /// Drops the markers of the hours and days `records` fall in, and bumps those days'
    /// versions, in the transaction that inserts them: a rollup built before is rebuilt on next
    /// use, and cached answers over those days are recomputed. Three statements a batch (a batch
    /// spans an hour or two), so recording pays almost nothing for it.
    static func invalidateRollups(of records: [CallRecord], in db: Database) throws {
        var hours: Set<Int64> = []
        for record in records { hours.insert(floorDiv(record.timestampMicros, RollupSpan.microsPerHour)) }
        let days = Set(hours.map { floorDiv($0, 24) })
        try db.execute(sql: "DELETE FROM rollup_hours WHERE hour IN (\(hours.map(String.init).joined(separator: ",")))")
        try db.execute(sql: "DELETE FROM rollup_days WHERE day IN (\(days.map(String.init).joined(separator: ",")))")
        try bumpDayVersions(days, in: db)
    }

    /// A build stamp: distinct for every build, so caches keyed by it notice a rebuild.
    static func stamp() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1_000_000) &* 1_000 &+ Int64.random(in: 0..<1_000)
    }

    /// When each rolled-up day in `[firstDay, untilDay)` was built: a day's derived results
    /// can be cached until this changes.
    public func rollupStamps(firstDay: Int64, untilDay: Int64) async throws -> [Int64: Int64] {
        try await stamps(table: "rollup_days", column: "day", from: firstDay, until: untilDay)
    }

    /// The same for the rolled-up hours in `[firstHour, untilHour)`.
    public func hourStamps(firstHour: Int64, untilHour: Int64) async throws -> [Int64: Int64] {
        try await stamps(table: "rollup_hours", column: "hour", from: firstHour, until: untilHour)
    }

    private func stamps(table: String, column: String, from: Int64, until: Int64) async throws -> [Int64: Int64] {
        try await read { db in
            var stamps: [Int64: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT \(column), built_at FROM \(table) WHERE \(column) >= ? AND \(column) < ?",
                                        arguments: [from, until]) {
                stamps[row[0]] = row[1]
            }
            return stamps
        }
    }

    /// Division rounding towards minus infinity (times before 1970 stay in their own day).
    static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }

    static func day(ofMicros micros: Int64) -> Int64 { floorDiv(micros, RollupSpan.microsPerDay) }
}
