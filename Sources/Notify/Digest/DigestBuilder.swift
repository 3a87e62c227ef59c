import Foundation
import Insights
import Gateway
import Policy
import Providers
import Recorder

/// Computes a `WeeklyDigest` from the store. The queries are the usage API's own (rollups of
/// pruned days included), so the digest and the dashboard agree.
public struct DigestBuilder: Sendable {
    public static let topCount = 5

    let store: CallStore

    public init(store: CallStore) {
        self.store = store
    }

    public func build(days: Int, snapshot: PolicySnapshot, now: Date = Date()) async throws -> WeeklyDigest {
        let window = TimeWindow(days: days, now: now)
        let previous = TimeWindow(days: window.days, now: now.addingTimeInterval(-Double(window.days) * 86_400))
        let totals = try await store.totals(in: window)
        let sources = try await store.sources(in: window)
        let models = try await store.models(in: window)
        let budget = try await projection(snapshot: snapshot, totals: totals, days: window.days, now: now)
        return WeeklyDigest(
            generatedAt: now, days: window.days, fromMicros: window.startMicros, toMicros: window.endMicros,
            totals: totals, previousTotals: try await store.totals(in: previous), daily: try await store.daily(in: window),
            sourceCount: sources.count, topSources: Array(sources.prefix(Self.topCount)),
            modelCount: models.count, topModels: Array(models.prefix(Self.topCount)),
            waste: try await store.waste(in: window), retryLoops: try await store.retryLoops(in: window),
            unpricedModels: try await store.unpricedModels(in: window), budget: budget)
    }

    func projection(snapshot: PolicySnapshot, totals: UsageTotals, days: Int, now: Date) async throws -> BudgetProjection {
        let zone = snapshot.budget.timeZone
        let windows = BudgetWindows(now: now, timeZone: zone)
        let monthToDate = try await store.spend(since: windows.monthStartMicros).total
        let today = try await store.spend(since: windows.dayStartMicros).total
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let dayOfMonth = calendar.component(.day, from: now)
        let daysInMonth = calendar.range(of: .day, in: .month, for: now)?.count ?? 30
        let budget = snapshot.budget
        return BudgetProjection(
            timeZone: budget.timezone, month: windows.monthKey, todayPico: today, monthToDatePico: monthToDate,
            dailyAveragePico: totals.costPico / Int64(max(days, 1)), daysLeft: max(0, daysInMonth - dayOfMonth),
            budgetEnabled: budget.enabled, dailyLimitPico: budget.dailyLimitUSD.flatMap(Picodollars.from(usd:)),
            monthlyLimitPico: budget.monthlyLimitUSD.flatMap(Picodollars.from(usd:)))
    }
}
