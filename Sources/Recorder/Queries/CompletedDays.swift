import GRDB

extension CallStore {
    /// Runs `query` over `[from, to)` twice: over the window's completed days (every day but
    /// today) and over today, and returns both answers for the caller to add up. The completed
    /// days' answer is kept in memory until a call of one of those days is written or pruned
    /// (each write and prune bumps its day's version), so a repeated view reads only today.
    func completedDaysAndToday<Value: Sendable>(_ name: String, window: TimeWindow,
                                                 _ query: @escaping @Sendable (Database, _ from: Int64, _ to: Int64) throws -> Value)
        async throws -> (completed: Value?, today: Value) {
        let todayStart = window.endMicros - Self.microsPerDay
        var completed: Value?
        if window.startMicros < todayStart {
            let firstDay = window.startMicros / Self.microsPerDay
            let today = todayStart / Self.microsPerDay
            let key = "days\u{1F}\(name)\u{1F}\(window.startMicros)\u{1F}\(todayStart)"
            let start = window.startMicros
            completed = try await cachedAnswer(key, stamp: { db in try Self.dayVersionStamp(firstDay: firstDay, untilDay: today, in: db) }) { db in
                try query(db, start, todayStart)
            }
        }
        let end = window.endMicros
        let today = try await read { db in try query(db, max(todayStart, window.startMicros), end) }
        return (completed, today)
    }

    /// `compute`'s answer from the cache while `stamp` is what it was when the answer was
    /// computed (read in the same transaction, so a change during the computation is never
    /// cached under the old stamp), else computed afresh and kept.
    func cachedAnswer<Value: Sendable>(_ key: String, stamp: @escaping @Sendable (Database) throws -> Int,
                                       _ compute: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        let current = try await read(stamp)
        if let cached: Value = rollupResults.value(key, stamp: current) { return cached }
        let (fresh, freshStamp) = try await read { db in (try compute(db), try stamp(db)) }
        rollupResults.store(key, stamp: freshStamp, value: fresh)
        return fresh
    }

    /// A hash of the versions of the days `[firstDay, untilDay)`: it changes whenever a call of
    /// one of them is written or pruned.
    static func dayVersionStamp(firstDay: Int64, untilDay: Int64, in db: Database) throws -> Int {
        try dayStamp(table: "day_versions", column: "version", firstDay: firstDay, untilDay: untilDay, in: db)
    }

    /// Bumps the version of each day in `days` (in the transaction that changes their calls).
    static func bumpDayVersions(_ days: Set<Int64>, in db: Database) throws {
        guard !days.isEmpty else { return }
        let values = days.map { "(\($0), 1)" }.joined(separator: ", ")
        try db.execute(sql: "INSERT INTO day_versions (day, version) VALUES \(values) ON CONFLICT (day) DO UPDATE SET version = version + 1")
    }
}
