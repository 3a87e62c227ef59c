import DequeModule
import Synchronization

/// A bounded hand-off from many producers to one consumer task: `offer` never waits (a full
/// queue drops and counts), `take` waits for work. Used by writers and senders that must never
/// slow down the calls that feed them.
public final class BoundedQueue<Element: Sendable>: Sendable {
    private struct State {
        var items: Deque<Element> = []
        var dropped: Int64 = 0
        var accepted: Int64 = 0
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    public let capacity: Int
    private let state = Mutex(State())
    /// The queue's length as of its last change, readable without the lock.
    private let length = Atomic<Int>(0)

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Queues an element; false if it was dropped because the queue is full or closed.
    @discardableResult
    public func offer(_ element: Element) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.closed, state.items.count < capacity else {
                state.dropped += 1
                return (false, nil)
            }
            state.items.append(element)
            length.store(state.items.count, ordering: .relaxed)
            state.accepted += 1
            let waiter = state.waiter
            state.waiter = nil
            return (true, waiter)
        }
        waiter?.resume()
        return accepted
    }

    /// Up to `limit` elements, waiting while the queue is empty; empty only once the queue
    /// is closed and drained.
    public func take(limit: Int) async -> [Element] {
        while true {
            let batch = state.withLock { state -> [Element]? in
                if !state.items.isEmpty {
                    let count = min(limit, state.items.count)
                    let batch = Array(state.items.prefix(count))
                    state.items.removeFirst(count)
                    length.store(state.items.count, ordering: .relaxed)
                    return batch
                }
                return state.closed ? [] : nil
            }
            if let batch { return batch }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.items.isEmpty || state.closed { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Takes what is queued now, without waiting.
    public func takeAvailable(limit: Int) -> [Element] {
        guard limit > 0 else { return [] }
        return state.withLock { state in
            let count = min(limit, state.items.count)
            let batch = Array(state.items.prefix(count))
            state.items.removeFirst(count)
            length.store(state.items.count, ordering: .relaxed)
            return batch
        }
    }

    /// Stops accepting elements; `take` drains what is left, then returns empty batches.
    public func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    public var isClosed: Bool { state.withLock { $0.closed } }
    public var count: Int { state.withLock { $0.items.count } }
    /// The queue's length a moment ago, without taking the lock: for a producer's heuristics.
    public var approximateCount: Int { length.load(ordering: .relaxed) }
    public var dropped: Int64 { state.withLock { $0.dropped } }
    /// Accepted and dropped since the start, and waiting now, read together.
    public var counters: (accepted: Int64, dropped: Int64, pending: Int) {
        state.withLock { ($0.accepted, $0.dropped, $0.items.count) }
    }
}
