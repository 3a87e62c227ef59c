import Foundation
import Logging
import Policy
import Recorder
import ServiceLifecycle

/// The daily automatic prune: when `[storage] retention_days` is set, calls older than the
/// window are rolled up and deleted at start and then once a day (UTC). A mark in the store
/// says the day's prune is done, so restarts do not repeat it; changing `retention_days`
/// prunes again under the new value.
public struct RetentionService: Service {
    let store: CallStore
    let snapshots: SnapshotStore
    let logger: Logger
    let interval: Duration

    public init(store: CallStore, snapshots: SnapshotStore, interval: Duration = .seconds(600), logger: Logger) {
        self.store = store
        self.snapshots = snapshots
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                await pruneIfDue()
                let deadline = ContinuousClock.now + interval
                while ContinuousClock.now < deadline, !Task.isShuttingDownGracefully, !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        } onGracefulShutdown: {}
    }

    func pruneIfDue(now: Date = Date()) async {
        guard let days = snapshots.snapshot.storage.retentionDays else { return }
        let kind = "prune:\(days)"
        let period = TimeWindow(days: 1, now: now).dayLabels.first ?? ""
        do {
            guard !(try await store.hasMark(kind: kind, period: period)) else { return }
            let report = try await store.prune(retentionDays: days, now: now)
            _ = try await store.setMark(kind: kind, period: period, detail: String(report.calls),
                                        atMicros: Int64(now.timeIntervalSince1970 * 1_000_000))
            if report.calls > 0 || report.requestLogs > 0 {
                logger.notice("retention (\(days) days): rolled up and deleted \(report.calls) calls over \(report.days.count) days and \(report.requestLogs) request logs")
            }
        } catch {
            logger.error("retention prune failed: \(error)")
        }
    }
}
