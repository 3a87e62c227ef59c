import Foundation
import Gateway
import Logging
import Policy
import Providers
import Recorder
import Synchronization

/// Watches committed calls for `[alerts] daily_cost_threshold`: keeps today's spend (budget
/// time zone) from the store at start and from each batch after, and when it reaches the
/// threshold hands one `CostAlert` per day and threshold to `onAlert`. What was alerted is
/// kept in the store, so a restart mid-day does not alert again.
public final class CostAlertMonitor: Sendable {
    static let markPrefix = "cost_alert:"

    let store: CallStore
    let snapshots: SnapshotStore
    let logger: Logger
    private let tracker = Mutex(CostAlertTracker())
    /// The day window last worked out, and in which time zone: calendar arithmetic costs tens
    /// of microseconds, and every committed batch asks for the window.
    private let lastWindow = Mutex<(timeZone: TimeZone, window: CostAlertTracker.Window)?>(nil)

    public init(store: CallStore, snapshots: SnapshotStore, logger: Logger = Logger(label: "tokenlens.alerts")) {
        self.store = store
        self.snapshots = snapshots
        self.logger = logger
    }

    /// Whether the live policy asks for cost alerts at all.
    public var isEnabled: Bool {
        let alerts = snapshots.snapshot.alerts
        return alerts.enabled && alerts.dailyCostThreshold != nil
    }

    /// Adds a batch of committed calls; returns the alert now due, if any (already marked sent).
    /// Batches must come in commit order, from one task.
    public func observe(_ batch: [CallRecord], now: Date = Date()) async -> CostAlert? {
        let snapshot = snapshots.snapshot
        let window = currentWindow(now: now, timeZone: snapshot.budget.timeZone)
        let moved = tracker.withLock { $0.move(to: window) }
        if !moved { await seed(window: window) }
        let costs = batch.compactMap { record in record.costPicodollars.map { (micros: record.timestampMicros, pico: $0) } }
        let threshold = Self.thresholdPico(snapshot)
        let due = tracker.withLock { $0.add(costs, thresholdPico: threshold) }
        guard let due else { return nil }
        return await confirm(due, timeZone: snapshot.budget.timezone, now: now)
    }

    /// Seeds today's state from the store (spend so far, thresholds already alerted).
    public func seed(now: Date = Date()) async {
        await seed(window: Self.window(now: now, timeZone: snapshots.snapshot.budget.timeZone))
    }

    private func seed(window: CostAlertTracker.Window) async {
        do {
            let spend = try await store.spend(since: window.startMicros).total
            let marks = try await store.marks(period: window.key, kindPrefix: Self.markPrefix)
            let alerted = Set(marks.compactMap { Int64($0.dropFirst(Self.markPrefix.count)) })
            tracker.withLock { $0.seed(window: window, spendPico: spend, alerted: alerted) }
        } catch {
            logger.error("reading today's spend for cost alerts failed: \(error)")
            tracker.withLock { $0.seed(window: window, spendPico: 0, alerted: []) }
        }
    }

    /// Records the alert as sent; nil if a previous run already sent it.
    private func confirm(_ due: CostAlertTracker.Due, timeZone: String, now: Date) async -> CostAlert? {
        do {
            let first = try await store.setMark(kind: Self.markPrefix + String(due.thresholdPico), period: due.day,
                                                detail: String(due.spendPico), atMicros: Int64(now.timeIntervalSince1970 * 1_000_000))
            guard first else { return nil }
        } catch {
            logger.error("recording a cost alert failed: \(error)")
        }
        return CostAlert(day: due.day, timeZone: timeZone, thresholdPico: due.thresholdPico, spendPico: due.spendPico, at: now)
    }

    static func thresholdPico(_ snapshot: PolicySnapshot) -> Int64? {
        guard snapshot.alerts.enabled, let usd = snapshot.alerts.dailyCostThreshold else { return nil }
        return Picodollars.from(usd: usd)
    }

    /// Today's window for `now`: the one last worked out while `now` is still inside it.
    func currentWindow(now: Date, timeZone: TimeZone) -> CostAlertTracker.Window {
        let micros = Int64(now.timeIntervalSince1970 * 1_000_000)
        if let last = lastWindow.withLock({ $0 }), last.timeZone == timeZone,
           last.window.startMicros <= micros, micros < last.window.endMicros {
            return last.window
        }
        let window = Self.window(now: now, timeZone: timeZone)
        lastWindow.withLock { $0 = (timeZone, window) }
        return window
    }

    static func window(now: Date, timeZone: TimeZone) -> CostAlertTracker.Window {
        let windows = BudgetWindows(now: now, timeZone: timeZone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.startOfDay(for: now)
        let next = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
        return CostAlertTracker.Window(key: windows.dayKey, startMicros: windows.dayStartMicros,
                                       endMicros: Int64(next.timeIntervalSince1970 * 1_000_000))
    }
}
