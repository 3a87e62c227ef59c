import Foundation
import Policy
import Providers

extension SpendLedger.Limit {
    /// Whether the limit counts a calendar month (else a day).
    var isMonthly: Bool {
        switch key {
        case .globalMonth, .sourceMonth: true
        default: false
        }
    }
}

extension SpendLedger {
    /// Counts a call made outside the proxy (reported through `POST /api/ingest`) against the
    /// limits that apply to it, as a restart would when it seeds the counters from the store.
    /// Nothing is refused: the money is already spent. A call from an earlier day counts only
    /// toward its month, and one from an earlier month toward nothing.
    public func countExternal(_ record: CallRecord, snapshot: PolicySnapshot, now: Date = Date()) {
        guard LimitPlan.mayApply(snapshot: snapshot, source: record.source, model: record.model) else { return }
        let windows = BudgetWindows(now: now, timeZone: snapshot.budget.timeZone)
        guard record.timestampMicros >= windows.monthStartMicros else { return }
        let today = record.timestampMicros >= windows.dayStartMicros
        let limits = LimitPlan.limits(snapshot: snapshot, source: record.source, model: record.model, windows: windows)
            .filter { today || $0.isMonthly }
        let spend = record.costPicodollars ?? 0
        state.withLock { state in
            for limit in limits {
                var counter = state.counters[limit.key].flatMap { $0.window == limit.window ? $0 : nil } ?? Counter(window: limit.window)
                counter.settled += limit.isCalls ? 1 : spend
                state.counters[limit.key] = counter
            }
        }
    }
}
