import AsyncHTTPClient
import Foundation
@testable import Notify
import Policy
import Providers
import Recorder
import Synchronization
import Testing

/// The notifier against a real store, with the webhook worker not running: what it queues,
/// what it publishes, and what it remembers across a restart.
struct NotifierTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "tokenlens-notifier-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    static func snapshot(events: [String], threshold: Double? = nil) -> PolicySnapshot {
        var hooks = WebhookSettings()
        hooks.enabled = true
        hooks.url = "http://127.0.0.1:9/hook"
        hooks.allowHosts = ["127.0.0.1"]
        hooks.events = events
        var alerts = AlertSettings()
        alerts.enabled = threshold != nil
        alerts.dailyCostThreshold = threshold
        return PolicySnapshot(version: "test", alerts: alerts, webhooks: hooks)
    }

    final class Published: Sendable {
        let events = Mutex<[String]>([])
    }

    func withNotifier(_ snapshot: PolicySnapshot, _ body: (Notifier, CallStore, Published) async throws -> Void) async throws {
        let store = try CallStore(path: folder + "/usage.db")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let snapshots = SnapshotStore(snapshot)
        let dispatcher = WebhookDispatcher(store: store, snapshots: snapshots, client: client, userAgent: "test")
        let published = Published()
        let notifier = Notifier(store: store, snapshots: snapshots, dispatcher: dispatcher,
                                publishLive: { events in published.events.withLock { $0 += events } },
                                encodeCall: { "{\"id\":\(JSONWriter.quoted($0.id))}" })
        await notifier.seed()
        do {
            try await body(notifier, store, published)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    static func call(_ index: Int, costPico: Int64) -> CallRecord {
        CallRecord(id: String(format: "01NOTIFY%018d", index), timestampMicros: Int64(Date().timeIntervalSince1970 * 1_000_000),
                   provider: "openai", endpoint: "chat.completions", model: "gpt-4o", source: "agent",
                   cost: CostBreakdown(input: costPico), policyVersion: "test")
    }

    /// The day window is remembered while "now" stays inside it, and worked out again for
    /// the next day or another time zone (the windows must equal freshly computed ones).
    @Test func costAlertWindowFollowsTheDayAndTheTimeZone() throws {
        let monitor = CostAlertMonitor(store: try CallStore(path: folder + "/usage.db"),
                                       snapshots: SnapshotStore(Self.snapshot(events: [], threshold: 1)))
        let utc = try #require(TimeZone(identifier: "UTC"))
        let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))
        let morning = Date(timeIntervalSince1970: 1_767_000_000)  // 2025-12-29 09:20 UTC
        let first = monitor.currentWindow(now: morning, timeZone: utc)
        #expect(first == CostAlertMonitor.window(now: morning, timeZone: utc))
        #expect(monitor.currentWindow(now: morning.addingTimeInterval(3_600), timeZone: utc) == first)
        let nextDay = morning.addingTimeInterval(86_400)
        #expect(monitor.currentWindow(now: nextDay, timeZone: utc) == CostAlertMonitor.window(now: nextDay, timeZone: utc))
        #expect(monitor.currentWindow(now: nextDay, timeZone: utc) != first)
        #expect(monitor.currentWindow(now: nextDay, timeZone: tokyo) == CostAlertMonitor.window(now: nextDay, timeZone: tokyo))
    }

    @Test func callsAndAnAlertOncePerDayAreQueuedAndTheAlertIsPublished() async throws {
        let snapshot = Self.snapshot(events: ["call_recorded", "cost_alert"], threshold: 1.0)
        try await withNotifier(snapshot) { notifier, store, published in
            let batch = [Self.call(1, costPico: 600_000_000_000), Self.call(2, costPico: 300_000_000_000)]
            try await store.insert(batch)
            await notifier.process(batch)
            #expect(notifier.dispatcher.statistics.queued == 2)
            #expect(published.events.withLock { $0 }.isEmpty)
            let crossing = [Self.call(3, costPico: 200_000_000_000)]
            try await store.insert(crossing)
            await notifier.process(crossing)
            #expect(notifier.dispatcher.statistics.queued == 4) // the call and the alert
            let events = published.events.withLock { $0 }
            #expect(events.count == 1)
            let alert = try JSONReader.parse(Array((events.first ?? "").utf8))
            #expect(alert["type"]?.stringValue == "alert")
            #expect(alert["alert"]?["spend_usd"]?.doubleValue == 1.1)
            let more = [Self.call(4, costPico: 500_000_000_000)]
            try await store.insert(more)
            await notifier.process(more)
            #expect(published.events.withLock { $0 }.count == 1)
        }
        // A new notifier on the same database (a restart) knows today's alert was sent.
        try await withNotifier(snapshot) { notifier, store, published in
            let batch = [Self.call(5, costPico: 1)]
            try await store.insert(batch)
            await notifier.process(batch)
            #expect(published.events.withLock { $0 }.isEmpty)
            #expect(notifier.dispatcher.statistics.queued == 1)
        }
    }

    @Test func theWeeklyDigestGoesOutOncePerSunday() async throws {
        let sunday = Date(timeIntervalSince1970: 1_738_497_600) // 2025-02-02 12:00 UTC
        try await withNotifier(Self.snapshot(events: ["weekly_digest"])) { notifier, store, published in
            await notifier.sendScheduledDigestIfDue(now: sunday.addingTimeInterval(-86_400))
            #expect(notifier.dispatcher.statistics.queued == 0)
            await notifier.sendScheduledDigestIfDue(now: sunday)
            #expect(notifier.dispatcher.statistics.queued == 1)
            #expect(published.events.withLock { $0 }.first?.hasPrefix("{\"type\":\"digest\"") == true)
            await notifier.sendScheduledDigestIfDue(now: sunday.addingTimeInterval(3_600))
            #expect(notifier.dispatcher.statistics.queued == 1)
            await notifier.sendScheduledDigestIfDue(now: sunday.addingTimeInterval(7 * 86_400))
            #expect(notifier.dispatcher.statistics.queued == 2)
            let pending = try await store.pendingDeliveries()
            #expect(pending.isEmpty) // queued, not yet taken by the (stopped) worker
        }
        // Without weekly_digest among the events, Sundays pass quietly.
        try await withNotifier(Self.snapshot(events: ["cost_alert"])) { notifier, _, _ in
            await notifier.sendScheduledDigestIfDue(now: sunday.addingTimeInterval(14 * 86_400))
            #expect(notifier.dispatcher.statistics.queued == 0)
        }
    }
}
