import GRDB

extension CallStore {
    /// Totals and daily series per source, model or provider in the window, most expensive
    /// first. One grouped scan of the window; the days are spread out here.
    public func series(in window: TimeWindow, by dimension: SeriesDimension) async throws -> [UsageSeries] {
        let parts = try await completedDaysAndToday("series-\(dimension.rawValue)", window: window) { db, from, to in
            try Row.fetchAll(db, sql: """
                SELECT \(dimension.keyExpression) AS key, ts / 86400000000 AS day, MAX(ts) AS last_seen,
                       MIN(provider) AS provider, MAX(provider) AS other_provider, \(CallStore.totalsSelect)
                FROM calls WHERE ts >= ? AND ts < ? GROUP BY key, day
                """, arguments: [from, to])
                .map { row -> SeriesRow in
                    let first: String = row["provider"]
                    let other: String = row["other_provider"]
                    return SeriesRow(key: row["key"], day: row["day"], lastSeen: row["last_seen"],
                                     providers: first == other ? [first] : [first, other], totals: CallStore.totals(from: row))
                }
        }
        let rows = (parts.completed ?? []) + parts.today
        let firstDay = window.startMicros / 86_400_000_000
        var groups: [String: UsageSeries] = [:]
        var providers: [String: Set<String>] = [:]
        for row in rows {
            var group = groups[row.key] ?? UsageSeries(
                key: row.key, provider: nil, totals: UsageTotals(), lastSeenMicros: 0,
                dailyCostPico: Array(repeating: 0, count: window.days), dailyCalls: Array(repeating: 0, count: window.days))
            group.totals.add(row.totals)
            group.lastSeenMicros = max(group.lastSeenMicros, row.lastSeen)
            let index = Int(row.day - firstDay)
            if group.dailyCostPico.indices.contains(index) {
                group.dailyCostPico[index] += row.totals.costPico
                group.dailyCalls[index] += row.totals.calls
            }
            groups[row.key] = group
            providers[row.key, default: []].formUnion(row.providers)
        }
        return groups.values.map { group in
            var group = group
            if let names = providers[group.key], names.count == 1 { group.provider = names.first }
            return group
        }.sorted { ($0.totals.costPico, $0.totals.calls, $1.key) > ($1.totals.costPico, $1.totals.calls, $0.key) }
    }
}

/// One group's calls of one day.
struct SeriesRow: Sendable {
    var key: String
    var day: Int64
    var lastSeen: Int64
    var providers: [String]
    var totals: UsageTotals
}

extension UsageTotals {
    /// Adds another group's totals (the sum of two disjoint sets of calls).
    mutating func add(_ other: UsageTotals) {
        calls += other.calls
        pricedCalls += other.pricedCalls
        errors += other.errors
        blocked += other.blocked
        cancelled += other.cancelled
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cacheReadTokens += other.cacheReadTokens
        cacheWriteTokens += other.cacheWriteTokens
        reasoningTokens += other.reasoningTokens
        costPico += other.costPico
        costInputPico += other.costInputPico
        costOutputPico += other.costOutputPico
        costReasoningPico += other.costReasoningPico
        costCacheReadPico += other.costCacheReadPico
        costCacheWritePico += other.costCacheWritePico
        cacheSavingsPico += other.cacheSavingsPico
        latencyMsSum += other.latencyMsSum
    }
}
