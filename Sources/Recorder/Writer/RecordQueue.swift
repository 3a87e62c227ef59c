import DequeModule
import Providers
import Synchronization

/// The bounded hand-off between request handlers and the recorder's writer. `offer` never
/// waits: when the queue is full the record is dropped and counted, so recording can slow
/// nothing down, and the loss shows in `/api/status` and `/metrics`.
final class RecordQueue: Sendable {
    private struct State {
        var records: Deque<CallRecord> = []
        var dropped: Int64 = 0
        var accepted: Int64 = 0
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Queues a record; false if it was dropped because the queue is full or closed.
    @discardableResult
    func offer(_ record: CallRecord) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.closed, state.records.count < capacity else {
                state.dropped += 1
                return (false, nil)
            }
            state.records.append(record)
            state.accepted += 1
            let waiter = state.waiter
            state.waiter = nil
            return (true, waiter)
        }
        waiter?.resume()
        return accepted
    }

    /// Takes up to `limit` records, waiting while the queue is empty. Returns an empty batch
    /// only once the queue is closed and drained.
    func take(limit: Int) async -> [CallRecord] {
        while true {
            let batch = state.withLock { state -> [CallRecord]? in
                if !state.records.isEmpty {
                    let count = min(limit, state.records.count)
                    let batch = Array(state.records.prefix(count))
                    state.records.removeFirst(count)
                    return batch
                }
                return state.closed ? [] : nil
            }
            if let batch { return batch }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.records.isEmpty || state.closed { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Takes what is queued now, without waiting.
    func takeAvailable(limit: Int) -> [CallRecord] {
        guard limit > 0 else { return [] }
        return state.withLock { state in
            let count = min(limit, state.records.count)
            let batch = Array(state.records.prefix(count))
            state.records.removeFirst(count)
            return batch
        }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Stops accepting records; `take` drains what is left, then returns empty batches.
    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    var counters: (accepted: Int64, dropped: Int64, pending: Int) {
        state.withLock { ($0.accepted, $0.dropped, $0.records.count) }
    }
}
