import Logging
import Providers
import Synchronization

/// Records calls without ever making a response wait: `record` queues, and one writer task
/// drains the queue in batches, each completed and written in one transaction on the
/// recorder's own thread. After each commit the batch is handed to `onCommit` (live feed,
/// metrics), on that thread, so subscribers see exactly what was stored.
public final class Recorder: Sendable {
    public struct Statistics: Sendable, Equatable {
        public var accepted: Int64
        public var dropped: Int64
        public var pending: Int
        public var written: Int64
        public var writeErrors: Int64
    }

    /// A queued call, with the work (if any) that completes its record before it is written.
    private struct Pending: Sendable {
        var record: CallRecord
        var complete: (@Sendable (inout CallRecord) -> Void)?
    }

    /// Carries a batch to the writer thread without a second reference to it: a copy of the
    /// array would share every record's storage, and completing a record would then copy it.
    private final class Handoff: @unchecked Sendable {
        // Read once, by the one job it is given to.
        private var batch: [Pending]

        init(_ batch: [Pending]) {
            self.batch = batch
        }

        func take() -> [Pending] {
            defer { batch = [] }
            return batch
        }
    }

    /// Queued calls beyond which `record(_:completing:)` completes a record before queueing
    /// it: the deferred work holds what it needs (a request body), so only a short queue may
    /// keep it.
    static let deferredCompletionLimit = 1_024

    /// Batches smaller than this are written paced (see `run()`).
    static let pacedBatchLimit = 256

    public let store: CallStore
    private let queue: BoundedQueue<Pending>
    private let batchLimit: Int
    private let linger: Duration
    private let logger: Logger
    private let onCommit: @Sendable ([CallRecord]) -> Void
    private let progress = Mutex((written: Int64(0), errors: Int64(0)))
    /// When a dropped call was last logged: under overload one line every few seconds says
    /// how many were lost, instead of a line per call making the overload worse.
    private let lastDropLog = Mutex((at: ContinuousClock.Instant?.none, reported: Int64(0)))

    /// - Parameters:
    ///   - queueCapacity: records held in memory before new ones are dropped (and counted).
    ///   - batchLimit: most records written per transaction.
    ///   - linger: how long a short batch waits for more calls before it is written.
    public init(store: CallStore, queueCapacity: Int = 65_536, batchLimit: Int = 4_096, linger: Duration = .milliseconds(25),
                logger: Logger = Logger(label: "tokenlens.recorder"),
                onCommit: @escaping @Sendable ([CallRecord]) -> Void = { _ in }) {
        self.store = store
        self.queue = BoundedQueue(capacity: queueCapacity)
        self.batchLimit = batchLimit
        self.linger = linger
        self.logger = logger
        self.onCommit = onCommit
    }

    /// Queues a call for writing; never blocks. Returns false if the queue was full.
    @discardableResult
    public func record(_ record: CallRecord) -> Bool {
        offer(Pending(record: record))
    }

    /// Queues a call whose record `complete` finishes (the prompt analysis) on the writer thread,
    /// so that work neither holds up the connection that made the call nor the next request
    /// on it. Never blocks; returns false if the queue was full.
    @discardableResult
    public func record(_ record: CallRecord, completing complete: @escaping @Sendable (inout CallRecord) -> Void) -> Bool {
        if queue.approximateCount >= Self.deferredCompletionLimit {
            var record = record
            complete(&record)
            return offer(Pending(record: record))
        }
        return offer(Pending(record: record, complete: complete))
    }

    private func offer(_ pending: Pending) -> Bool {
        let accepted = queue.offer(pending)
        if !accepted { noteDrop() }
        return accepted
    }

    private func noteDrop() {
        let now = ContinuousClock.now
        let report = lastDropLog.withLock { state -> Int64? in
            if let last = state.at, now - last < .seconds(5) { return nil }
            let dropped = queue.counters.dropped
            defer { state = (now, dropped) }
            return dropped - state.reported
        }
        if let report, report > 0 {
            logger.warning("recorder queue full (\(queue.capacity) calls): \(report) calls dropped since the last report; see /api/status")
        }
    }

    /// The writer loop. Returns once `close()` was called and every queued record is written.
    /// Batches are completed, stored and published on a thread of the recorder's own (see
    /// `WriterThread`), not on the event loops this task runs on.
    public func run() async {
        let thread = WriterThread(name: "tl-recorder")
        defer { thread.stop() }
        while true {
            var batch = await queue.take(limit: batchLimit)
            if batch.isEmpty { return }
            // Let a trickle of calls gather for a moment: one transaction (and one wake-up of the
            // writer thread) per `linger` instead of per call. A commit has a fixed cost (WAL
            // frames for every touched page); at 25 ms it is shared by a few dozen calls even at
            // a thousand calls a second, and a live event is still seen within a blink.
            if batch.count < batchLimit / 4, !queue.isClosed {
                try? await Task.sleep(for: linger)
                batch += queue.takeAvailable(limit: batchLimit - batch.count)
            }
            // A light load (fewer than `pacedBatchLimit` calls in a batch, ten thousand a second
            // at most) leaves the cores idle between calls, and then the batch's work gives way
            // to the proxy's (see `CorePacer`). Under heavy load the cores are busy anyway and a
            // paced writer only falls behind: it writes flat out.
            let paced = batch.count < Self.pacedBatchLimit
            let handoff = Handoff(batch)
            batch.removeAll()
            let (records, failure) = await thread.run { [self] in
                var pacer = CorePacer(enabled: paced)
                let records = Self.complete(handoff.take(), pacer: &pacer)
                return (records, write(records, pacer: &pacer))
            }
            if let failure { await retry(records, after: failure, on: thread) }
        }
    }

    /// Completes each record in place: by now the batch holds the only reference to most of
    /// them, so the analysis is written into them rather than into copies.
    private static func complete(_ batch: consuming [Pending], pacer: inout CorePacer) -> [CallRecord] {
        var batch = batch
        var records: [CallRecord] = []
        records.reserveCapacity(batch.count)
        for index in batch.indices {
            if let complete = batch[index].complete {
                complete(&batch[index].record)
                pacer.breathe()
            }
            records.append(batch[index].record)
        }
        return records  // the batch, and the request bodies its analyses held, go before the write
    }

    /// Writes a batch and, once it is committed, counts and publishes it; the error if it was
    /// not written. Runs on the writer thread.
    private func write(_ records: [CallRecord], pacer: inout CorePacer) -> (any Error)? {
        do {
            try store.insertOnCallingThread(records, pacer: &pacer)
        } catch {
            return error
        }
        progress.withLock { $0.written += Int64(records.count) }
        pacer.breathe()
        onCommit(records)
        return nil
    }

    /// A batch the database refused (locked, disk full): tried again every second.
    private func retry(_ batch: [CallRecord], after firstError: any Error, on thread: WriterThread) async {
        var attempt = 0
        var failure: (any Error)? = firstError
        while let error = failure {
            attempt += 1
            progress.withLock { $0.errors += 1 }
            logger.error("writing \(batch.count) calls failed (attempt \(attempt)): \(error)")
            // A locked or full disk may recover; keep the batch rather than lose it, but give up
            // after a minute so shutdown cannot hang forever.
            if attempt >= 60 { return }
            try? await Task.sleep(for: .seconds(1))
            failure = await thread.run { [self] in
                var pacer = CorePacer(enabled: false)
                return write(batch, pacer: &pacer)
            }
        }
    }

    /// Stops accepting new records; `run()` returns after writing what is queued.
    public func close() {
        queue.close()
    }

    public var statistics: Statistics {
        let counters = queue.counters
        let progress = progress.withLock { $0 }
        return Statistics(accepted: counters.accepted, dropped: counters.dropped, pending: counters.pending,
                          written: progress.written, writeErrors: progress.errors)
    }
}
