import HeapModule
import NIOCore

/// The attempt deadlines of one event loop's exchanges, kept behind a single NIO timer.
///
/// Every proxied call has a deadline and nearly every call ends long before it. A NIO task per
/// call cost an allocation, a promise, and on cancellation a linear search of the loop's
/// scheduled tasks; here a deadline is a heap entry and its action a dictionary entry, and
/// cancelling removes only the action (the entry is skipped, or swept out, later). The one
/// timer is moved only when a deadline earlier than the one it waits for arrives.
/// Confined to its loop: every method runs on it.
final class LoopDeadlines {
    struct Token: Hashable {
        fileprivate let id: UInt64
    }

    private struct Entry: Comparable {
        let deadline: NIODeadline
        let id: UInt64

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.deadline, lhs.id) < (rhs.deadline, rhs.id)
        }
    }

    private let loop: any EventLoop
    private var entries = Heap<Entry>()
    private var actions: [UInt64: () -> Void] = [:]
    private var nextID: UInt64 = 0
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    init(loop: any EventLoop) {
        self.loop = loop
    }

    /// Deadlines still to come (cancelled ones excluded).
    var count: Int { actions.count }

    /// Heap entries, cancelled ones not yet swept out included.
    var storedEntries: Int { entries.count }

    /// Runs `action` on the loop at `deadline`, unless cancelled first.
    func schedule(at deadline: NIODeadline, _ action: @escaping () -> Void) -> Token {
        nextID &+= 1
        actions[nextID] = action
        entries.insert(Entry(deadline: deadline, id: nextID))
        // Cancelled entries stay in the heap until they come up; sweep them out once they
        // outnumber the live ones, so a long timeout under load cannot pile them up.
        if entries.count > 2 * actions.count + 64 {
            entries = Heap(entries.unordered.filter { actions[$0.id] != nil })
        }
        if timerDeadline.map({ deadline < $0 }) ?? true { rearm() }
        return Token(id: nextID)
    }

    func cancel(_ token: Token) {
        actions[token.id] = nil
    }

    private func fire() {
        timer = nil
        timerDeadline = nil
        let now = NIODeadline.now()
        // An action may schedule or cancel others; each entry is taken off before it runs.
        while let next = entries.min, next.deadline <= now {
            entries.removeMin()
            if let action = actions.removeValue(forKey: next.id) { action() }
        }
        rearm()
    }

    /// Points the timer at the earliest deadline still wanted.
    private func rearm() {
        while let next = entries.min, actions[next.id] == nil { entries.removeMin() }
        guard let next = entries.min?.deadline else {
            timer?.cancel()
            timer = nil
            timerDeadline = nil
            return
        }
        if let timerDeadline, timerDeadline <= next { return }
        timer?.cancel()
        timerDeadline = next
        timer = loop.assumeIsolated().scheduleTask(deadline: next) { [self] in fire() }
    }
}
