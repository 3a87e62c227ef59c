import AsyncHTTPClient
import Foundation
import Gateway
import Logging
import NIOCore
import NIOHTTP1
import Policy
import Recorder
import Synchronization

/// Delivers webhook events off the request path. `enqueue` checks the live `[webhooks]`
/// settings and returns at once; a worker POSTs each delivery (a few at a time) with its
/// `X-TokenLens-Event`, `X-TokenLens-Delivery` and, when a secret is set,
/// `X-TokenLens-Signature` headers, retries non-2xx answers and failures with capped
/// exponential backoff up to `[webhooks] max_attempts`, and records every attempt in
/// `webhook_deliveries`. The target is checked against `allow_hosts` before every attempt,
/// and redirects are never followed, so a delivery cannot end up on a host nobody allowed.
public final class WebhookDispatcher: Sendable {
    public enum EnqueueResult: Sendable, Equatable {
        case queued(id: String)
        /// Webhooks are off, have no URL, or do not subscribe to the event.
        case notConfigured(String)
        /// The URL is not allowed; the refusal is recorded in the history.
        case refused(id: String, reason: String)
        /// The queue is full; nothing was recorded.
        case dropped
    }

    /// Counters since start, for `/api/status`.
    public struct Statistics: Sendable, Equatable {
        public var queued: Int64 = 0
        public var delivered: Int64 = 0
        public var failed: Int64 = 0
        public var refused: Int64 = 0
        public var dropped: Int64 = 0
        public var retries: Int64 = 0
    }

    let store: CallStore
    let snapshots: SnapshotStore
    let client: HTTPClient
    let backoff: RetryBackoff
    let logger: Logger
    let userAgent: String
    let concurrency: Int
    /// Finished deliveries kept in the history.
    let historyLimit: Int
    private let ids = RequestIDGenerator()
    private let queue: BoundedQueue<WebhookDelivery>
    private let stopping = Atomic<Bool>(false)
    private let counters = Mutex(Statistics())

    public init(store: CallStore, snapshots: SnapshotStore, client: HTTPClient, backoff: RetryBackoff = RetryBackoff(),
                capacity: Int = 4_096, concurrency: Int = 4, historyLimit: Int = 10_000, userAgent: String,
                logger: Logger = Logger(label: "tokenlens.webhooks")) {
        self.store = store
        self.snapshots = snapshots
        self.client = client
        self.backoff = backoff
        self.queue = BoundedQueue(capacity: capacity)
        self.concurrency = max(1, concurrency)
        self.historyLimit = historyLimit
        self.userAgent = userAgent
        self.logger = logger
    }

    /// Queues `event` with its payload members (already-encoded JSON by key) if the live
    /// settings deliver it.
    @discardableResult
    public func enqueue(_ event: WebhookEvent, members: [(key: String, json: String)], now: Date = Date()) -> EnqueueResult {
        let hooks = snapshots.snapshot.webhooks
        guard hooks.enabled else { return .notConfigured("webhooks are off ([webhooks] enabled = false)") }
        guard let url = hooks.url else { return .notConfigured("[webhooks] url is not set") }
        guard hooks.events.contains(event.rawValue) else {
            return .notConfigured("[webhooks] events does not include \(event.rawValue)")
        }
        let id = ids.next(now: now)
        var delivery = WebhookDelivery(id: id, event: event.rawValue, target: Self.displayTarget(url),
                                       createdAtMicros: Self.micros(now),
                                       payload: event.payload(deliveryID: id, sentAt: now, members: members))
        var result = EnqueueResult.queued(id: id)
        if let problem = WebhookTarget.problem(url, allowHosts: hooks.allowHosts) {
            delivery.status = .refused
            delivery.attempts = [WebhookDelivery.Attempt(atMicros: delivery.createdAtMicros, statusCode: nil,
                                                         error: "refused: webhooks.url \(problem)", durationMs: 0)]
            delivery.completedAtMicros = delivery.createdAtMicros
            result = .refused(id: id, reason: "webhooks.url \(problem)")
        }
        guard queue.offer(delivery) else {
            counters.withLock { $0.dropped += 1 }
            return .dropped
        }
        counters.withLock { $0.queued += 1 }
        return result
    }

    /// Queues the deliveries a previous run left pending; call before `run()`.
    public func resumePending() async {
        do {
            let pending = try await store.pendingDeliveries()
            for delivery in pending { queue.offer(delivery) }
            if !pending.isEmpty { logger.info("resuming \(pending.count) pending webhook deliveries") }
        } catch {
            logger.error("reading pending webhook deliveries failed: \(error)")
        }
    }

    /// The worker; returns once `close()` was called and every queued delivery was attempted
    /// (one cut short by shutdown stays pending and resumes at the next start).
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            while true {
                guard let delivery = await queue.take(limit: 1).first else { break }
                if running >= concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.deliver(delivery) }
                running += 1
            }
            await group.waitForAll()
        }
    }

    /// Stops taking deliveries; retries waiting for their backoff stay pending.
    public func close() {
        stopping.store(true, ordering: .releasing)
        queue.close()
    }

    public var statistics: Statistics { counters.withLock { $0 } }

    // MARK: - Delivery

    func deliver(_ initial: WebhookDelivery) async {
        var delivery = initial
        if delivery.status == .refused {
            counters.withLock { $0.refused += 1 }
            logger.warning("webhook \(delivery.event) refused: \(delivery.lastError ?? "")")
            await save(delivery)
            return
        }
        await save(delivery)
        // Queued when shutdown began: kept pending for the next start rather than delaying it.
        if stopping.load(ordering: .acquiring) { return }
        if let next = delivery.nextAttemptAtMicros {
            let wait = Double(next - Self.micros(Date())) / 1_000_000
            if wait > 0, !(await pause(seconds: wait)) { return }
        }
        while true {
            let hooks = snapshots.snapshot.webhooks
            guard hooks.enabled, hooks.events.contains(delivery.event), let url = hooks.url else {
                await finish(&delivery, .refused, note: "refused: webhooks were turned off (or stopped sending \(delivery.event)) before delivery")
                return
            }
            if let problem = WebhookTarget.problem(url, allowHosts: hooks.allowHosts) {
                await finish(&delivery, .refused, note: "refused: webhooks.url \(problem)")
                return
            }
            delivery.target = Self.displayTarget(url)
            let attempt = await send(delivery, url: url, secret: hooks.secret, timeoutSeconds: hooks.timeoutSeconds)
            delivery.attempts.append(attempt)
            if let status = attempt.statusCode, (200..<300).contains(status) {
                delivery.status = .delivered
                delivery.nextAttemptAtMicros = nil
                delivery.completedAtMicros = Self.micros(Date())
                counters.withLock { $0.delivered += 1 }
                await save(delivery)
                await trimIfDue()
                return
            }
            if delivery.attempts.count >= hooks.maxAttempts {
                delivery.status = .failed
                delivery.nextAttemptAtMicros = nil
                delivery.completedAtMicros = Self.micros(Date())
                counters.withLock { $0.failed += 1 }
                logger.warning("webhook \(delivery.event) \(delivery.id) failed after \(delivery.attempts.count) attempts: \(attempt.error ?? "")")
                await save(delivery)
                await trimIfDue()
                return
            }
            let delay = backoff.delaySeconds(afterAttempt: delivery.attempts.count, random: Double.random(in: 0..<1))
            delivery.nextAttemptAtMicros = Self.micros(Date()) + Int64(delay * 1_000_000)
            counters.withLock { $0.retries += 1 }
            await save(delivery)
            // Shutting down: the delivery stays pending and resumes at the next start.
            if !(await pause(seconds: delay)) { return }
        }
    }

    private func finish(_ delivery: inout WebhookDelivery, _ status: WebhookDelivery.Status, note: String) async {
        let now = Self.micros(Date())
        delivery.status = status
        delivery.nextAttemptAtMicros = nil
        delivery.completedAtMicros = now
        delivery.attempts.append(WebhookDelivery.Attempt(atMicros: now, statusCode: nil, error: note, durationMs: 0))
        counters.withLock { $0.refused += 1 }
        logger.warning("webhook \(delivery.event) \(delivery.id): \(note)")
        await save(delivery)
    }

    /// One POST. Any answer but 2xx, and any failure to get one, is a failed attempt.
    func send(_ delivery: WebhookDelivery, url: String, secret: String?, timeoutSeconds: Double) async -> WebhookDelivery.Attempt {
        let body = Array(delivery.payload.utf8)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "X-TokenLens-Event", value: delivery.event)
        request.headers.add(name: "X-TokenLens-Delivery", value: delivery.id)
        if let secret {
            request.headers.add(name: WebhookSignature.headerName, value: WebhookSignature.header(body: body, secret: secret))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let startedAt = Self.micros(Date())
        let clock = ContinuousClock.now
        func elapsedMs() -> Double {
            let duration = ContinuousClock.now - clock
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeoutSeconds * 1000)))
            // Read (and drop) the answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 256 * 1024)
            let status = Int(response.status.code)
            let error = (200..<300).contains(status) ? nil : "the receiver answered \(status)"
            return WebhookDelivery.Attempt(atMicros: startedAt, statusCode: status, error: error, durationMs: elapsedMs())
        } catch {
            return WebhookDelivery.Attempt(atMicros: startedAt, statusCode: nil, error: Self.describe(error), durationMs: elapsedMs())
        }
    }

    /// Waits, in short steps so shutdown is noticed; false when shutting down.
    private func pause(seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if stopping.load(ordering: .acquiring) { return false }
            try? await Task.sleep(for: min(.milliseconds(100), deadline - ContinuousClock.now))
        }
        return !stopping.load(ordering: .acquiring)
    }

    private func save(_ delivery: WebhookDelivery) async {
        do {
            try await store.save(delivery: delivery)
        } catch {
            logger.error("recording webhook delivery \(delivery.id) failed: \(error)")
        }
    }

    private let finishedSinceTrim = Mutex(0)

    private func trimIfDue() async {
        let due = finishedSinceTrim.withLock { count -> Bool in
            count += 1
            if count >= 100 { count = 0; return true }
            return false
        }
        guard due else { return }
        try? await store.trimDeliveries(keep: historyLimit)
    }

    // MARK: - Helpers

    /// `https://hooks.example.com:8443/…`: where it goes, without a path or query that may
    /// hold a token.
    static func displayTarget(_ url: String) -> String {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, let host = parsed.host else { return "(invalid URL)" }
        var text = scheme + "://" + (host.contains(":") ? "[\(host)]" : host)
        if let port = parsed.port { text += ":\(port)" }
        if !parsed.path.isEmpty && parsed.path != "/" || parsed.query != nil { text += "/…" }
        return text
    }

    static func describe(_ error: any Error) -> String {
        let text: String
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            text = "the receiver did not answer in time"
        case let error as HTTPClientError where error == .connectTimeout:
            text = "connecting to the receiver timed out"
        default:
            text = "\(error)"
        }
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    static func micros(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970 * 1_000_000)
    }
}
