import Logging
import Providers

/// Writes captured exchanges to `request_logs` off the request path: `submit` queues (and
/// drops when full, like the call recorder); the writer task redacts and stores them in
/// batches. Redaction happens here, before the database, never in a handler.
public final class RequestLogWriter: Sendable {
    let store: CallStore
    private let queue: BoundedQueue<CapturedExchange>
    private let logger: Logger

    public init(store: CallStore, capacity: Int = 2_048, logger: Logger = Logger(label: "tokenlens.logs")) {
        self.store = store
        self.queue = BoundedQueue(capacity: capacity)
        self.logger = logger
    }

    @discardableResult
    public func submit(_ exchange: CapturedExchange) -> Bool {
        queue.offer(exchange)
    }

    /// The writer loop; returns once `close()` was called and the queue is written.
    public func run() async {
        while true {
            let batch = await queue.take(limit: 64)
            if batch.isEmpty { return }
            let logs = batch.map(RequestLog.init(redacting:))
            do {
                try await store.insert(logs: logs)
            } catch {
                logger.error("writing \(logs.count) request logs failed: \(error)")
            }
        }
    }

    public func close() {
        queue.close()
    }

    public var dropped: Int64 { queue.dropped }
}
