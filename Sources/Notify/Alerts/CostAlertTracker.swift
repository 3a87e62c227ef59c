/// Today's spend against `[alerts] daily_cost_threshold`, in the budget time zone. Pure
/// bookkeeping: it is told which day it is and what calls cost, and says when an alert is
/// due: once per day and threshold (raising the threshold mid-day allows one more).
public struct CostAlertTracker: Sendable, Equatable {
    /// A calendar day in the budget zone: its key (`2025-01-31`) and bounds in microseconds.
    public struct Window: Sendable, Equatable {
        public var key: String
        public var startMicros: Int64
        public var endMicros: Int64

        public init(key: String, startMicros: Int64, endMicros: Int64) {
            self.key = key
            self.startMicros = startMicros
            self.endMicros = endMicros
        }
    }

    /// An alert to send.
    public struct Due: Sendable, Equatable {
        public var day: String
        public var thresholdPico: Int64
        public var spendPico: Int64
    }

    public private(set) var window: Window?
    public private(set) var spendPico: Int64 = 0
    /// Thresholds already alerted in this window.
    public private(set) var alerted: Set<Int64> = []

    public init() {}

    /// Starts `window` with what was already spent and alerted in it.
    public mutating func seed(window: Window, spendPico: Int64, alerted: Set<Int64>) {
        self.window = window
        self.spendPico = spendPico
        self.alerted = alerted
    }

    /// Moves to `window`. True when nothing changed or the new day directly follows the
    /// current one (it starts at zero); false when it does not (first use, or the zone
    /// changed): the caller should seed it from the store.
    public mutating func move(to window: Window) -> Bool {
        guard let current = self.window else { return false }
        if current == window { return true }
        guard window.startMicros == current.endMicros else { return false }
        seed(window: window, spendPico: 0, alerted: [])
        return true
    }

    /// Adds the cost of calls (by their start time; calls of other days do not count) and
    /// returns the alert that is now due, if any. Marks it as sent.
    public mutating func add(_ costs: [(micros: Int64, pico: Int64)], thresholdPico: Int64?) -> Due? {
        guard let window else { return nil }
        for cost in costs where cost.micros >= window.startMicros && cost.micros < window.endMicros {
            spendPico += cost.pico
        }
        return due(thresholdPico: thresholdPico)
    }

    /// The alert due now for `thresholdPico`, if spend has reached it and it was not sent.
    public mutating func due(thresholdPico: Int64?) -> Due? {
        guard let window, let thresholdPico, spendPico >= thresholdPico, !alerted.contains(thresholdPico) else { return nil }
        alerted.insert(thresholdPico)
        return Due(day: window.key, thresholdPico: thresholdPico, spendPico: spendPico)
    }
}
