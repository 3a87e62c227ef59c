import Foundation
import Policy
import Providers
import Synchronization

/// Spend and call counters for every limit, with reservations, so concurrent calls cannot
/// overshoot a limit: a call reserves its worst-case cost on every counter that applies before
/// it goes upstream, and settles to its real cost after. Checking a limit counts what is
/// settled plus what is reserved, so N calls in flight can together pass a limit by at most one
/// call's reservation (the one that was admitted last while the others were still reserved).
///
/// One mutex guards the counters; it is held for a few dictionary updates and never across I/O.
public final class SpendLedger: Sendable {
    /// A counter for one window of one limit.
    struct Counter: Sendable, Equatable {
        var window: String
        var settled: Int64 = 0
        var reserved: Int64 = 0
        var total: Int64 { settled + reserved }
    }

    /// What identifies a counter: the limit's scope and its period.
    enum Key: Hashable, Sendable {
        case globalDay, globalMonth
        case sourceDay(String), sourceMonth(String)
        case modelCalls(String)
    }

    struct State {
        var counters: [Key: Counter] = [:]
    }

    let state = Mutex(State())

    public init() {}

    /// A held reservation; settle or release it exactly once.
    public struct Reservation: Sendable {
        let costs: [(Key, String, Int64)]
        let calls: [(Key, String)]
        public let amount: Int64
        /// Limits with action `warn` that this call passed.
        public let warnings: [LimitDecision]
    }

    /// A limit that was reached.
    public struct LimitDecision: Sendable, Equatable {
        /// Rule id for records: `budget.daily`, `source_limit:agent.monthly`, `model_limit:gpt-4o`.
        public var rule: String
        public var action: LimitAction
        public var retryAfterSeconds: Int
        public var message: String
    }

    public enum Admission: Sendable {
        case admitted(Reservation)
        case refused(LimitDecision)
    }

    /// A limit to check, in picodollars or calls.
    public struct Limit: Sendable {
        var key: Key
        var window: String
        public var cap: Int64
        public var isCalls: Bool
        public var decision: LimitDecision
    }

    /// Reserves `amount` picodollars (and one call where model call limits apply) against every
    /// limit, or refuses at the first blocking limit it would pass. Limits with action `warn`
    /// never refuse; they are reported in the reservation.
    public func reserve(amount: Int64, limits: [Limit]) -> Admission {
        state.withLock { state -> Admission in
            var warnings: [LimitDecision] = []
            for limit in limits {
                let counter = state.counters[limit.key].flatMap { $0.window == limit.window ? $0 : nil } ?? Counter(window: limit.window)
                let next = counter.total + (limit.isCalls ? 1 : amount)
                guard next > limit.cap else { continue }
                if limit.decision.action == .block { return .refused(limit.decision) }
                warnings.append(limit.decision)
            }
            var costs: [(Key, String, Int64)] = []
            var calls: [(Key, String)] = []
            for limit in limits {
                var counter = state.counters[limit.key].flatMap { $0.window == limit.window ? $0 : nil } ?? Counter(window: limit.window)
                if limit.isCalls {
                    counter.reserved += 1
                    calls.append((limit.key, limit.window))
                } else {
                    counter.reserved += amount
                    costs.append((limit.key, limit.window, amount))
                }
                state.counters[limit.key] = counter
            }
            return .admitted(Reservation(costs: costs, calls: calls, amount: amount, warnings: warnings))
        }
    }

    /// Replaces the reservation by the call's real cost. `calledUpstream` false (the call was
    /// refused or answered from cache) releases call-count reservations too.
    public func settle(_ reservation: Reservation, actual: Int64, calledUpstream: Bool) {
        state.withLock { state in
            for (key, window, amount) in reservation.costs {
                guard var counter = state.counters[key], counter.window == window else { continue }
                counter.reserved -= amount
                counter.settled += actual
                state.counters[key] = counter
            }
            for (key, window) in reservation.calls {
                guard var counter = state.counters[key], counter.window == window else { continue }
                counter.reserved -= 1
                if calledUpstream { counter.settled += 1 }
                state.counters[key] = counter
            }
        }
    }

    /// Spend and calls already recorded in the current windows, from the database at start-up,
    /// so a restart does not reset anyone's limits.
    public func seed(windows: BudgetWindows, dayTotal: Int64, monthTotal: Int64, sourcesToday: [String: Int64],
                     sourcesThisMonth: [String: Int64], modelCallsToday: [String: Int64]) {
        seed(.globalDay, window: windows.dayKey, settled: dayTotal)
        seed(.globalMonth, window: windows.monthKey, settled: monthTotal)
        for (source, spend) in sourcesToday { seed(.sourceDay(source), window: windows.dayKey, settled: spend) }
        for (source, spend) in sourcesThisMonth { seed(.sourceMonth(source), window: windows.monthKey, settled: spend) }
        for (model, calls) in modelCallsToday { seed(.modelCalls(model), window: windows.dayKey, settled: calls) }
    }

    func seed(_ key: Key, window: String, settled: Int64) {
        state.withLock { state in
            var counter = state.counters[key].flatMap { $0.window == window ? $0 : nil } ?? Counter(window: window)
            counter.settled += settled
            state.counters[key] = counter
        }
    }

    /// Settled and reserved amounts of one limit's current window, for `/api/usage/budget-status`.
    public func usage(of limit: Limit) -> (settled: Int64, reserved: Int64) {
        state.withLock { state in
            let counter = state.counters[limit.key].flatMap { $0.window == limit.window ? $0 : nil } ?? Counter(window: limit.window)
            return (counter.settled, counter.reserved)
        }
    }
}
