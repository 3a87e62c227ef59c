import Synchronization

/// Fans recorded calls (and later alerts) out to `/api/live` subscribers. Each subscriber has
/// a bounded buffer that keeps the newest events: a slow dashboard loses old events, it never
/// slows the recorder down.
public final class LiveBus: Sendable {
    public typealias Subscription = AsyncStream<String>

    private let subscribers = Mutex<[UInt64: AsyncStream<String>.Continuation]>([:])
    private let nextID = Mutex<UInt64>(0)
    let bufferSize: Int

    public init(bufferSize: Int = 1024) {
        self.bufferSize = bufferSize
    }

    /// A new stream of JSON event texts; it ends when the subscriber stops iterating.
    public func subscribe() -> Subscription {
        let id = nextID.withLock { value -> UInt64 in
            value += 1
            return value
        }
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    public func publish(_ events: [String]) {
        guard !events.isEmpty else { return }
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets {
            for event in events { continuation.yield(event) }
        }
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Ends every subscription (daemon shutdown).
    public func finishAll() {
        let targets = subscribers.withLock { all -> [AsyncStream<String>.Continuation] in
            let values = Array(all.values)
            all.removeAll()
            return values
        }
        for continuation in targets { continuation.finish() }
    }
}
