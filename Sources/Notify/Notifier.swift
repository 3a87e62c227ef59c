import Foundation
import Logging
import Policy
import Providers
import Recorder
import Synchronization

/// Turns what the recorder commits into notifications, on its own task so the recorder never
/// waits: `call_recorded` webhooks, cost alerts (live feed and `cost_alert` webhook, once per
/// day and threshold) and, on Sundays in the budget time zone, the `weekly_digest` webhook.
/// The digest can also be built and sent on demand.
public final class Notifier: Sendable {
    /// What `sendDigest` did.
    public struct DigestSent: Sendable {
        public var digest: String
        public var result: WebhookDispatcher.EnqueueResult
    }

    let store: CallStore
    let snapshots: SnapshotStore
    public let dispatcher: WebhookDispatcher
    let alerts: CostAlertMonitor
    let publishLive: @Sendable ([String]) -> Void
    let encodeCall: @Sendable (CallRecord) -> String
    let logger: Logger
    /// How often the digest schedule is checked.
    let scheduleInterval: Duration
    private let batches = BoundedQueue<[CallRecord]>(capacity: 4_096)
    private let closed = Atomic<Bool>(false)

    /// - Parameters:
    ///   - publishLive: sends events to `/api/live` subscribers.
    ///   - encodeCall: a call as the API writes it (the `call` of `call_recorded`).
    public init(store: CallStore, snapshots: SnapshotStore, dispatcher: WebhookDispatcher,
                publishLive: @escaping @Sendable ([String]) -> Void, encodeCall: @escaping @Sendable (CallRecord) -> String,
                scheduleInterval: Duration = .seconds(30), logger: Logger = Logger(label: "tokenlens.notify")) {
        self.store = store
        self.snapshots = snapshots
        self.dispatcher = dispatcher
        self.alerts = CostAlertMonitor(store: store, snapshots: snapshots, logger: logger)
        self.publishLive = publishLive
        self.encodeCall = encodeCall
        self.scheduleInterval = scheduleInterval
        self.logger = logger
    }

    /// Reads today's spend and sent alerts; call once before the daemon starts serving.
    public func seed(now: Date = Date()) async {
        await alerts.seed(now: now)
    }

    /// Hands a committed batch over; never blocks (the recorder's `onCommit` calls it).
    public func observe(_ batch: [CallRecord]) {
        guard !batch.isEmpty else { return }
        if !batches.offer(batch) {
            logger.warning("notification queue full: \(batch.count) calls skipped for alerts and webhooks")
        }
    }

    /// Runs until `close()`: processes batches and checks the digest schedule.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.processBatches() }
            group.addTask { await self.watchSchedule() }
            await group.waitForAll()
        }
    }

    public func close() {
        closed.store(true, ordering: .releasing)
        batches.close()
    }

    // MARK: - Batches

    func processBatches() async {
        while true {
            let taken = await batches.take(limit: 64)
            if taken.isEmpty { return }
            for batch in taken { await process(batch) }
        }
    }

    func process(_ batch: [CallRecord], now: Date = Date()) async {
        let hooks = snapshots.snapshot.webhooks
        if hooks.delivers(WebhookEvent.callRecorded.rawValue) {
            for record in batch {
                dispatcher.enqueue(.callRecorded, members: [("call", encodeCall(record))], now: now)
            }
        }
        // Spend is followed whether or not alerts are on, so turning them on mid-day counts
        // what was already spent.
        if let alert = await alerts.observe(batch, now: now) {
            logger.notice("cost alert: \(alert.message)")
            publishLive([alert.liveEvent])
            dispatcher.enqueue(.costAlert, members: [("alert", alert.json)], now: now)
        }
    }

    // MARK: - Weekly digest

    func watchSchedule() async {
        // A cancelled task's sleep returns at once: without the check this loop would spin.
        while !closed.load(ordering: .acquiring), !Task.isCancelled {
            await sendScheduledDigestIfDue()
            let deadline = ContinuousClock.now + scheduleInterval
            while ContinuousClock.now < deadline, !closed.load(ordering: .acquiring), !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Sends this week's digest if today is Sunday (budget time zone), webhooks carry
    /// `weekly_digest`, and it was not sent yet.
    func sendScheduledDigestIfDue(now: Date = Date()) async {
        let snapshot = snapshots.snapshot
        guard snapshot.webhooks.delivers(WebhookEvent.weeklyDigest.rawValue),
              let period = DigestSchedule.duePeriod(now: now, timeZone: snapshot.budget.timeZone) else { return }
        do {
            guard try await store.setMark(kind: DigestSchedule.markKind, period: period,
                                          atMicros: Int64(now.timeIntervalSince1970 * 1_000_000)) else { return }
            let sent = try await sendDigest(days: 7, now: now)
            logger.notice("weekly digest for \(period): \(sent.result)")
        } catch {
            logger.error("sending the weekly digest failed: \(error)")
        }
    }

    /// The digest of the last `days` days as JSON.
    public func digest(days: Int, now: Date = Date()) async throws -> String {
        DigestPayload.json(try await DigestBuilder(store: store).build(days: days, snapshot: snapshots.snapshot, now: now))
    }

    /// Builds the digest and queues it as a `weekly_digest` webhook (and a live event).
    public func sendDigest(days: Int, now: Date = Date()) async throws -> DigestSent {
        let json = try await digest(days: days, now: now)
        let result = dispatcher.enqueue(.weeklyDigest, members: [("digest", json)], now: now)
        if case .queued = result { publishLive(["{\"type\":\"digest\",\"digest\":" + json + "}"]) }
        return DigestSent(digest: json, result: result)
    }
}
