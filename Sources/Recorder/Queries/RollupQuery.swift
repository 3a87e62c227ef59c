import GRDB

extension CallStore {
    /// Runs `select` (a query over `u`, the rows of `table`) on the completed days of `span`
    /// and, apart, on the rest of it (today's rolled-up hours and the current hour's calls),
    /// and returns the decoded rows of both; the caller adds up groups that appear in both.
    /// The completed days' answer is cached until one of their rollups is rebuilt.
    func rollupQuery<Value: Sendable>(_ table: RollupTable, span: RollupSpan, plan: RollupPlan, select: String,
                                      arguments: [String] = [],
                                      decode: @escaping @Sendable (Row) -> Value?) async throws -> [Value] {
        func statementArguments(_ span: [Int64]) -> StatementArguments {
            StatementArguments(span.map { $0 as (any DatabaseValueConvertible)? } + arguments.map { $0 as (any DatabaseValueConvertible)? })
        }
        var days: [Value] = []
        if span.firstDay < span.liveDay {
            let key = ([table.name, plan.signature, "\(span.firstDay)", "\(span.liveDay)", select] + arguments)
                .joined(separator: "\u{1F}")
            let sql = "WITH u AS (\(table.completedDays(plan))) " + select
            let dayArguments = statementArguments(span.dayArguments)
            days = try await cachedAnswer(key, stamp: { db in try Self.buildStamp(of: span, in: db) }) { db in
                try Row.fetchAll(db, sql: sql, arguments: dayArguments).compactMap(decode)
            }
        }
        let sql = "WITH u AS (\(table.recent(plan))) " + select
        let recentArguments = statementArguments(span.recentArguments)
        let recent = try await read { db in try Row.fetchAll(db, sql: sql, arguments: recentArguments).compactMap(decode) }
        return days + recent
    }

    /// A hash of when each completed day of `span` was rolled up: it changes when any is rebuilt.
    static func buildStamp(of span: RollupSpan, in db: Database) throws -> Int {
        try dayStamp(table: "rollup_days", column: "built_at", firstDay: span.firstDay, untilDay: span.liveDay, in: db)
    }

    /// A hash of the `(day, column)` pairs of `table` for the days `[firstDay, untilDay)`.
    static func dayStamp(table: String, column: String, firstDay: Int64, untilDay: Int64, in db: Database) throws -> Int {
        var hasher = Hasher()
        let rows = try Row.fetchAll(db, sql: "SELECT day, \(column) FROM \(table) WHERE day >= ? AND day < ? ORDER BY day",
                                    arguments: [firstDay, untilDay])
        for row in rows {
            hasher.combine(row[0] as Int64)
            hasher.combine(row[1] as Int64)
        }
        return hasher.finalize()
    }
}
