import Foundation
@testable import Notify
import Testing

/// Once-per-window alert logic, on plain values.
struct CostAlertTrackerTests {
    static let day = 86_400_000_000 as Int64
    static let monday = CostAlertTracker.Window(key: "2025-01-06", startMicros: 20_094 * day, endMicros: 20_095 * day)
    static let tuesday = CostAlertTracker.Window(key: "2025-01-07", startMicros: 20_095 * day, endMicros: 20_096 * day)

    func seeded(spend: Int64 = 0) -> CostAlertTracker {
        var tracker = CostAlertTracker()
        tracker.seed(window: Self.monday, spendPico: spend, alerted: [])
        return tracker
    }

    @Test func alertsOnceWhenTheThresholdIsCrossed() {
        var tracker = seeded()
        let at = Self.monday.startMicros + 1_000
        do {
            let result = tracker.add([(at, 400)], thresholdPico: 1_000)
            #expect(result == nil)
        }
        do {
            let result = tracker.add([(at, 500)], thresholdPico: 1_000)
            #expect(result == nil)
        }
        let due = tracker.add([(at, 200)], thresholdPico: 1_000)
        #expect(due == CostAlertTracker.Due(day: "2025-01-06", thresholdPico: 1_000, spendPico: 1_100))
        // Spend keeps growing; no second alert in the same window.
        do {
            let result = tracker.add([(at, 5_000)], thresholdPico: 1_000)
            #expect(result == nil)
        }
        #expect(tracker.spendPico == 6_100)
        // A higher threshold set mid-day gets its own alert once reached.
        do {
            let result = tracker.add([], thresholdPico: 10_000)
            #expect(result == nil)
        }
        do {
            let result = tracker.add([(at, 4_000)], thresholdPico: 10_000)
            #expect(result?.thresholdPico == 10_000)
        }
        do {
            let result = tracker.add([(at, 1)], thresholdPico: 10_000)
            #expect(result == nil)
        }
    }

    @Test func noThresholdNoAlert() {
        var tracker = seeded(spend: 1_000_000)
        do {
            let result = tracker.add([(Self.monday.startMicros, 1)], thresholdPico: nil)
            #expect(result == nil)
        }
    }

    @Test func alreadySpentAboveTheThresholdAlertsAtTheFirstCheck() {
        var tracker = seeded(spend: 2_000)
        do {
            let result = tracker.due(thresholdPico: 1_000)
            #expect(result?.spendPico == 2_000)
        }
        do {
            let result = tracker.due(thresholdPico: 1_000)
            #expect(result == nil)
        }
    }

    @Test func alertsSentBeforeARestartAreNotRepeated() {
        var tracker = CostAlertTracker()
        tracker.seed(window: Self.monday, spendPico: 2_000, alerted: [1_000])
        do {
            let result = tracker.add([(Self.monday.startMicros, 10)], thresholdPico: 1_000)
            #expect(result == nil)
        }
    }

    @Test func callsOfOtherDaysDoNotCount() {
        var tracker = seeded()
        do {
            let result = tracker.add([(Self.monday.startMicros - 1, 5_000), (Self.monday.endMicros, 5_000)], thresholdPico: 1_000)
            #expect(result == nil)
        }
        #expect(tracker.spendPico == 0)
    }

    @Test func theNextDayStartsAtZeroAndMayAlertAgain() {
        var tracker = seeded()
        do {
            let result = tracker.add([(Self.monday.startMicros, 1_500)], thresholdPico: 1_000)
            #expect(result != nil)
        }
        do {
            let result = tracker.move(to: Self.monday)
            #expect(result)
        }
        #expect(tracker.spendPico == 1_500)
        do {
            let result = tracker.move(to: Self.tuesday)
            #expect(result)
        }
        #expect(tracker.spendPico == 0)
        do {
            let result = tracker.add([(Self.tuesday.startMicros + 5, 999)], thresholdPico: 1_000)
            #expect(result == nil)
        }
        do {
            let result = tracker.add([(Self.tuesday.startMicros + 6, 1)], thresholdPico: 1_000)
            #expect(result?.day == "2025-01-07")
        }
    }

    @Test func aWindowThatDoesNotFollowAsksForReseeding() {
        var fresh = CostAlertTracker()
        do {
            let result = fresh.move(to: Self.monday)
            #expect(!result)
        }
        var tracker = seeded(spend: 10)
        let otherZone = CostAlertTracker.Window(key: "2025-01-06", startMicros: Self.monday.startMicros - 3_600_000_000,
                                                endMicros: Self.monday.endMicros - 3_600_000_000)
        do {
            let result = tracker.move(to: otherZone)
            #expect(!result)
        }
        #expect(tracker.spendPico == 10)
    }
}
