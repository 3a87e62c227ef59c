import GRDB
import Providers

/// The aggregate queries behind `/api/usage/*` and exports.
extension CallStore {
    /// The usage totals, each as its aggregate over `calls`. Over rows that already hold these
    /// totals (`daily_rollups`, or a union of both) each is summed again by its own name.
    static let totalsColumns: [(name: String, fromCalls: String)] = [
        ("calls", "COUNT(*)"),
        ("priced_calls", "COUNT(cost_pico)"),
        ("errors", "SUM(outcome = 'upstream_error')"),
        ("blocked", "SUM(outcome = 'blocked')"),
        ("cancelled", "SUM(outcome = 'client_cancelled')"),
        ("input_tokens", "TOTAL(input_tokens)"),
        ("output_tokens", "TOTAL(output_tokens)"),
        ("cache_read_tokens", "TOTAL(cache_read_tokens)"),
        ("cache_write_tokens", "TOTAL(cache_write_tokens)"),
        ("reasoning_tokens", "TOTAL(reasoning_tokens)"),
        ("cost_pico", "SUM(cost_pico)"),
        ("cost_input_pico", "SUM(cost_input_pico)"),
        ("cost_output_pico", "SUM(cost_output_pico)"),
        ("cost_reasoning_pico", "SUM(cost_reasoning_pico)"),
        ("cost_cache_read_pico", "SUM(cost_cache_read_pico)"),
        ("cost_cache_write_pico", "SUM(cost_cache_write_pico)"),
        ("cache_savings_pico", "SUM(cache_savings_pico)"),
        ("latency_ms", "TOTAL(latency_ms)"),
    ]

    static let totalsSelect = totalsColumns.map { "\($0.fromCalls) AS \($0.name)" }.joined(separator: ",\n")

    /// The same totals over rows that hold them: `TOTAL` stays `TOTAL` (a real sum), the rest
    /// are summed.
    static let rollupTotalsSelect = totalsColumns.map { column in
        "\(column.fromCalls.hasPrefix("TOTAL(") ? "TOTAL" : "SUM")(\(column.name)) AS \(column.name)"
    }.joined(separator: ",\n")

    /// Arguments for a query over live calls (`ts`) and rollups of pruned days (`day`) in
    /// `[from, to)` (whole days, or today's part of one).
    static func unionArguments(_ from: Int64, _ to: Int64) -> StatementArguments {
        [from, to, from / microsPerDay, (to + microsPerDay - 1) / microsPerDay]
    }

    static func totals(from row: Row) -> UsageTotals {
        var totals = UsageTotals()
        totals.calls = row["calls"] ?? 0
        totals.pricedCalls = row["priced_calls"] ?? 0
        totals.errors = row["errors"] ?? 0
        totals.blocked = row["blocked"] ?? 0
        totals.cancelled = row["cancelled"] ?? 0
        totals.inputTokens = Int64((row["input_tokens"] as Double?) ?? 0)
        totals.outputTokens = Int64((row["output_tokens"] as Double?) ?? 0)
        totals.cacheReadTokens = Int64((row["cache_read_tokens"] as Double?) ?? 0)
        totals.cacheWriteTokens = Int64((row["cache_write_tokens"] as Double?) ?? 0)
        totals.reasoningTokens = Int64((row["reasoning_tokens"] as Double?) ?? 0)
        totals.costPico = row["cost_pico"] ?? 0
        totals.costInputPico = row["cost_input_pico"] ?? 0
        totals.costOutputPico = row["cost_output_pico"] ?? 0
        totals.costReasoningPico = row["cost_reasoning_pico"] ?? 0
        totals.costCacheReadPico = row["cost_cache_read_pico"] ?? 0
        totals.costCacheWritePico = row["cost_cache_write_pico"] ?? 0
        totals.cacheSavingsPico = row["cache_savings_pico"] ?? 0
        totals.latencyMsSum = row["latency_ms"] ?? 0
        return totals
    }

    public func recent(_ filter: RecentFilter) async throws -> [CallRecord] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let source = filter.source { conditions.append("source = ?"); arguments.append(source) }
        if let provider = filter.provider { conditions.append("provider = ?"); arguments.append(provider) }
        if let model = filter.model { conditions.append("(model = ? OR requested_model = ?)"); arguments += [model, model] }
        if let outcome = filter.outcome { conditions.append("outcome = ?"); arguments.append(outcome) }
        if let before = filter.beforeId { conditions.append("id < ?"); arguments.append(before) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limit = min(max(filter.limit, 1), 10_000)
        let sql = "SELECT * FROM calls \(whereClause) ORDER BY id DESC LIMIT \(limit)"
        let statementArguments = StatementArguments(arguments)
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(CallRow.record(from:))
        }
    }

    /// Totals of the window: live calls plus the rollups of days retention pruned (a day is
    /// pruned whole, in one transaction, so nothing is counted twice).
    public func totals(in window: TimeWindow) async throws -> UsageTotals {
        let parts = try await completedDaysAndToday("totals", window: window) { db, from, to in
            try Row.fetchOne(db, sql: """
                SELECT \(CallStore.rollupTotalsSelect) FROM (
                    SELECT \(CallStore.totalsSelect) FROM calls WHERE ts >= ? AND ts < ?
                    UNION ALL
                    SELECT \(CallStore.rollupTotalsSelect) FROM daily_rollups WHERE day >= ? AND day < ?)
                """, arguments: CallStore.unionArguments(from, to)).map(CallStore.totals(from:)) ?? UsageTotals()
        }
        var totals = parts.today
        if let completed = parts.completed { totals.add(completed) }
        return totals
    }

    /// Models seen in the window that the price table could not price.
    public func unpricedModels(in window: TimeWindow) async throws -> [String] {
        let parts = try await completedDaysAndToday("unpriced", window: window) { db, from, to in
            try String.fetchAll(db, sql: """
                SELECT COALESCE(model, requested_model) FROM calls
                WHERE ts >= ? AND ts < ? AND cost_pico IS NULL AND outcome IN ('ok', 'client_cancelled', 'guardrail_warned')
                  AND COALESCE(model, requested_model) IS NOT NULL
                UNION
                SELECT model FROM daily_rollups WHERE day >= ? AND day < ? AND unpriced_calls > 0 AND model != ''
                """, arguments: CallStore.unionArguments(from, to))
        }
        return Set(parts.today + (parts.completed ?? [])).sorted()
    }

    /// One entry per calendar day of the window (days without calls included, at zero).
    public func daily(in window: TimeWindow) async throws -> [DailyUsage] {
        let parts = try await completedDaysAndToday("daily", window: window) { db, from, to in
            try Row.fetchAll(db, sql: """
                SELECT day, \(CallStore.rollupTotalsSelect) FROM (
                    SELECT ts / 86400000000 AS day, \(CallStore.totalsSelect)
                    FROM calls WHERE ts >= ? AND ts < ? GROUP BY day
                    UNION ALL
                    SELECT day, \(CallStore.rollupTotalsSelect) FROM daily_rollups WHERE day >= ? AND day < ? GROUP BY day)
                GROUP BY day ORDER BY day
                """, arguments: CallStore.unionArguments(from, to))
                .map { DayTotals(day: $0["day"], totals: CallStore.totals(from: $0)) }
        }
        var byDay: [Int64: UsageTotals] = [:]
        for row in (parts.completed ?? []) + parts.today { byDay[row.day, default: UsageTotals()].add(row.totals) }
        let firstDay = window.startMicros / 86_400_000_000
        return window.dayLabels.enumerated().map { index, label in
            DailyUsage(date: label, totals: byDay[firstDay + Int64(index)] ?? UsageTotals())
        }
    }

    struct DayTotals: Sendable {
        var day: Int64
        var totals: UsageTotals
    }

    public func sources(in window: TimeWindow) async throws -> [SourceUsage] {
        let parts = try await completedDaysAndToday("sources", window: window) { db, from, to in
            try Row.fetchAll(db, sql: """
                SELECT source, MAX(last_seen) AS last_seen, GROUP_CONCAT(models) AS models, \(CallStore.rollupTotalsSelect) FROM (
                    SELECT source, MAX(ts) AS last_seen, GROUP_CONCAT(DISTINCT COALESCE(model, requested_model)) AS models,
                           \(CallStore.totalsSelect)
                    FROM calls WHERE ts >= ? AND ts < ? GROUP BY source
                    UNION ALL
                    SELECT source, MAX(last_ts) AS last_seen, GROUP_CONCAT(DISTINCT NULLIF(model, '')) AS models,
                           \(CallStore.rollupTotalsSelect)
                    FROM daily_rollups WHERE day >= ? AND day < ? GROUP BY source)
                GROUP BY source
                """, arguments: CallStore.unionArguments(from, to)).map { row in
                    SourceUsage(source: row["source"], totals: CallStore.totals(from: row), lastSeenMicros: row["last_seen"],
                                models: (row["models"] as String?)?.split(separator: ",").map(String.init) ?? [])
                }
        }
        var merged: [String: SourceUsage] = [:]
        for part in (parts.completed ?? []) + parts.today {
            guard var source = merged[part.source] else { merged[part.source] = part; continue }
            source.totals.add(part.totals)
            source.lastSeenMicros = max(source.lastSeenMicros, part.lastSeenMicros)
            source.models += part.models
            merged[part.source] = source
        }
        return merged.values.map { source in
            var source = source
            source.models = Set(source.models).sorted()
            return source
        }.sorted { ($0.totals.costPico, $0.totals.calls, $1.source) > ($1.totals.costPico, $1.totals.calls, $0.source) }
    }

    /// Every call in the window, oldest first, streamed to `body` in pages so an export of a
    /// large history does not hold it all in memory.
    public func forEachCall(in window: TimeWindow, pageSize: Int = 5_000,
                            _ body: ([CallRecord]) async throws -> Void) async throws {
        var after = ""
        while true {
            let cursor = after
            let page = try await read { db in
                try Row.fetchAll(db, sql: """
                    SELECT * FROM calls WHERE ts >= ? AND ts < ? AND id > ? ORDER BY id LIMIT \(pageSize)
                    """, arguments: [window.startMicros, window.endMicros, cursor]).map(CallRow.record(from:))
            }
            if page.isEmpty { return }
            try await body(page)
            guard let last = page.last, page.count == pageSize else { return }
            after = last.id
        }
    }

    /// Spend since `micros`, in total and per source, for seeding budget counters at start-up.
    public func spend(since micros: Int64) async throws -> (total: Int64, bySource: [String: Int64]) {
        try await read { db in
            // Pruned days count through their rollups; a rollup day that began before `micros`
            // (possible with a non-UTC budget zone) is left out rather than split.
            let firstWholeDay = (micros + 86_399_999_999) / 86_400_000_000
            let rows = try Row.fetchAll(db, sql: """
                SELECT source, SUM(spend) AS spend FROM (
                    SELECT source, SUM(cost_pico) AS spend FROM calls WHERE ts >= ? GROUP BY source
                    UNION ALL
                    SELECT source, SUM(cost_pico) AS spend FROM daily_rollups WHERE day >= ? GROUP BY source)
                GROUP BY source
                """, arguments: [micros, firstWholeDay])
            var bySource: [String: Int64] = [:]
            for row in rows { bySource[row["source"]] = row["spend"] ?? 0 }
            return (bySource.values.reduce(0, +), bySource)
        }
    }

    /// Calls that reached a provider since `micros`, per model (for daily call limits).
    public func upstreamCalls(since micros: Int64) async throws -> [String: Int64] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT model, COUNT(*) AS calls FROM calls
                WHERE ts >= ? AND outcome != 'blocked' AND model IS NOT NULL AND instr(id, '.') = 0 GROUP BY model
                """, arguments: [micros])
            var calls: [String: Int64] = [:]
            for row in rows { calls[row["model"]] = row["calls"] }
            return calls
        }
    }
}
