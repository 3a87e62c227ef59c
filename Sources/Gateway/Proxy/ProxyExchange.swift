import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import Providers

/// Where a proxied answer goes: the client's connection, on its event loop.
protocol ProxyResponseWriter: AnyObject {
    /// Starts a provider's answer: its status and headers (as `ForwardedHeaders` lets them
    /// through) and then `added`.
    func writeHead(status: Int, forwarding head: UpstreamResponseHead, keepLength: Bool, adding added: CallHeaders)
    func writeBody(_ buffer: ByteBuffer)
    func flush()
    /// The relayed response is complete: ends it, flushes, then runs `work` (recording the call)
    /// before the connection's next request is taken.
    func endResponse(then work: () -> Void)
    /// The response cannot be completed: close the connection so the client knows.
    func abortConnection()
    /// Sends an answer TokenLens made itself (the exchange is then over).
    func send(_ response: ProxyResponse)
}

extension ProxyResponseWriter {
    func endResponse() {
        endResponse(then: {})
    }
}

/// Sends one call upstream and relays the answer, on the client's event loop: walks the
/// fallback chain while attempts fail with 5xx, 429, a refused connection or a timeout (as
/// long as no byte reached the client), then streams the final answer through a
/// `ResponseRelay`. Failed attempts are recorded on their own (`<id>.<n>`); the final answer
/// is recorded under the call's id. Every way out — an answer, an upstream failure, the client
/// leaving — produces a record.
final class ProxyExchange: UpstreamResponseHandler {
    private enum Phase {
        /// Waiting for a connection, for the response head, or for the next attempt.
        case waiting
        /// A retryable error answer whose body is read for its message before the next attempt.
        case drainingError(status: Int, retryAfter: String?, body: [UInt8])
        /// A non-streamed answer read whole so response guardrails can screen it first.
        case collecting(status: Int, headers: HTTPHeaders, finalizer: CallFinalizer, body: ByteBuffer)
        case relaying(ResponseRelay)
        case done
    }

    private let engine: ProxyEngine
    private let plan: ForwardPlan
    private let pool: LoopPool
    private unowned let client: any ProxyResponseWriter
    private let baseURL: String
    private let timeoutSeconds: Double
    private let connectTimeout: TimeAmount

    private var phase = Phase.waiting
    private var attemptIndex = 0
    private var failedRules: [String] = []
    private var record: CallRecord
    private var attemptClock = Stopwatch()
    private var preUpstreamMs = 0.0
    private var endpoint: UpstreamEndpoint?
    private var request: UpstreamRequest?
    private var connection: UpstreamConnection?
    private var retriedStaleConnection = false
    private var timer: LoopDeadlines.Token?
    /// Bumped by every attempt and every end, so a late callback of an old one is ignored.
    private var generation = 0

    init(engine: ProxyEngine, plan: ForwardPlan, pool: LoopPool, client: any ProxyResponseWriter) {
        self.engine = engine
        self.plan = plan
        self.pool = pool
        self.client = client
        let settings = plan.snapshot.settings(for: plan.provider)
        baseURL = settings.baseURL
        timeoutSeconds = settings.timeoutSeconds
        connectTimeout = .nanoseconds(Int64(settings.connectTimeoutSeconds * 1e9))
        record = plan.draft
    }

    private var isLastAttempt: Bool { attemptIndex == plan.models.count - 1 }
    private var model: String? { plan.models[attemptIndex] }

    func start() {
        attempt()
    }

    private func attempt() {
        generation += 1
        phase = .waiting
        retriedStaleConnection = false
        // The first attempt is the draft as decided (its model heads the chain, one attempt),
        // left unwritten: the record shares the draft's storage, and any write would copy it.
        if attemptIndex > 0 {
            record = plan.draft
            record.model = model
            record.attempts = attemptIndex + 1
        }
        if !failedRules.isEmpty { record.rules += failedRules }
        attemptClock = Stopwatch()
        guard let endpoint = pool.endpoint(for: baseURL) else {
            attemptFailed(.badBaseURL(baseURL))
            return
        }
        self.endpoint = endpoint
        request = engine.upstreamRequest(plan, model: model, endpoint: endpoint)
        preUpstreamMs = plan.stopwatch.elapsedMs
        let generation = self.generation
        // `timeout_seconds` bounds the whole attempt, a long stream included.
        arm(after: timeoutSeconds) { [self] in
            guard self.generation == generation else { return }
            connection?.abandon()
            if case .waiting = phase {
                connection = nil
                attemptFailed(.timeout(seconds: timeoutSeconds, afterResponseStarted: false))
            } else {
                upstreamFailed(.timeout(seconds: timeoutSeconds, afterResponseStarted: true))
            }
        }
        pool.acquire(endpoint, connectTimeout: connectTimeout) { [self] result in connected(result, generation: generation) }
    }

    private func connected(_ result: Result<UpstreamConnection, UpstreamError>, generation: Int) {
        guard generation == self.generation, case .waiting = phase else {
            // This attempt was given up (timeout, client gone) while connecting.
            if case .success(let late) = result { late.close() }
            return
        }
        switch result {
        case .success(let connection):
            self.connection = connection
            connection.send(request!, to: self)
        case .failure(let error):
            attemptFailed(error)
        }
    }

    /// The attempt failed before any answer: try the next model, or answer with the error.
    private func attemptFailed(_ error: UpstreamError) {
        // A pooled connection the server had already closed: resend once on a new one.
        if case .closed(afterResponseStarted: false, _) = error, connection?.isReused == true, !retriedStaleConnection,
           let endpoint {
            retriedStaleConnection = true
            connection = nil
            let generation = self.generation
            pool.connect(endpoint, connectTimeout: connectTimeout) { [self] result in connected(result, generation: generation) }
            return
        }
        cancelTimer()
        connection = nil
        let failure = UpstreamFailure(error, baseURL: baseURL)
        engine.logger.warning("upstream call failed", metadata: [
            "id": "\(plan.draft.id)", "provider": "\(plan.provider.rawValue)", "attempt": "\(attemptIndex + 1)",
            "error": "\(failure.message)",
        ])
        engine.latency.record(model: model ?? "", latencyMs: attemptClock.elapsedMs, failed: true)
        if !isLastAttempt {
            engine.recordFailedAttempt(record, status: failure.status, message: failure.message, attempt: attemptIndex + 1,
                                       clock: attemptClock, snapshot: plan.snapshot)
            nextAttempt(retryAfter: nil)
            return
        }
        record.outcome = .upstreamError
        record.errorMessage = failure.message
        engine.finishWithoutUpstream(&record, status: failure.status, snapshot: plan.snapshot, stopwatch: plan.stopwatch,
                                     upstreamMs: attemptClock.elapsedMs, analyze: plan.analyze)
        if let reservation = plan.reservation { engine.ledger.settle(reservation, actual: 0, calledUpstream: true) }
        let answer = engine.errorAnswer(provider: plan.provider, status: failure.status, message: failure.message,
                                        code: failure.code, id: plan.draft.id, snapshot: plan.snapshot)
        plan.capture?.response(status: failure.status, body: answer.body)
        plan.capture?.finish(record)
        phase = .done
        client.send(answer.response)
    }

    private func nextAttempt(retryAfter: String?) {
        failedRules.append("fallback:\(model ?? "?")")
        let delay = engine.fallback.delayMs(afterAttempt: attemptIndex + 1, retryAfter: retryAfter)
        attemptIndex += 1
        generation += 1
        phase = .waiting
        let generation = self.generation
        arm(after: delay / 1000) { [self] in
            guard self.generation == generation, case .waiting = phase else { return }
            attempt()
        }
    }

    // MARK: The upstream answer

    func upstreamHead(_ head: UpstreamResponseHead) {
        guard case .waiting = phase else { return }
        let status = head.status
        if !isLastAttempt, FallbackPolicy.isRetryable(status: status) {
            phase = .drainingError(status: status, retryAfter: head.first(name: "retry-after"), body: [])
            return
        }
        if let capture = plan.capture { capture.response(status: status, headers: head.headers) }
        let ledger = engine.ledger
        let latency = engine.latency
        let reservation = plan.reservation
        let finalizer = CallFinalizer(
            draft: record, facts: plan.facts, snapshot: plan.snapshot, stopwatch: plan.stopwatch, preUpstreamMs: preUpstreamMs,
            pendingStatus: status, analyze: plan.analyze, capture: plan.capture,
            onFinish: { finished in
                if let reservation { ledger.settle(reservation, actual: finished.costPicodollars ?? 0, calledUpstream: true) }
                if let model = finished.model {
                    latency.record(model: model, latencyMs: finished.latencyMs, failed: finished.outcome == .upstreamError)
                }
            },
            sink: engine.sink)
        let keepLength = !plan.facts.needsInjectedStreamUsage
        let callHeaders = CallHeaders(requestID: plan.draft.id, policyVersion: plan.snapshot.version)
        let guardrails = plan.snapshot.rules.guardrails
        if guardrails.scansResponses, !plan.facts.stream, (200..<300).contains(status) {
            var headers = ForwardedHeaders.clientResponse(head.headers, keepLength: keepLength)
            headers.add(contentsOf: callHeaders.fields)
            phase = .collecting(status: status, headers: headers, finalizer: finalizer, body: ByteBuffer())
            return
        }
        // A dedup replay gets the provider's headers; the id and policy headers are the call's own.
        let relay = ResponseRelay(status: status, contentLength: head.first(name: "content-length"),
                                  contentEncoding: head.first(name: "content-encoding"), facts: plan.facts, finalizer: finalizer,
                                  hidesInjectedUsage: !keepLength,
                                  dedup: plan.dedupKey.map { (engine.dedup, $0, ForwardedHeaders.clientResponse(head.headers, keepLength: keepLength)) },
                                  guardrails: guardrails.scansResponses ? guardrails : nil, rules: plan.snapshot.rules.source)
        phase = .relaying(relay)
        client.writeHead(status: status, forwarding: head, keepLength: keepLength, adding: callHeaders)
    }

    func upstreamBody(_ body: ByteBuffer) {
        switch phase {
        case .drainingError(let status, let retryAfter, var bytes):
            if bytes.count < 256 * 1024 {
                body.withUnsafeReadableBytes { bytes.append(contentsOf: $0.prefix(256 * 1024 - bytes.count)) }
            }
            phase = .drainingError(status: status, retryAfter: retryAfter, body: bytes)
        case .collecting(let status, let headers, let finalizer, var collected):
            if collected.readableBytes + body.readableBytes > UsageTracker.maxBufferedBody {
                collectingFailed(finalizer, error: .closed(afterResponseStarted: true, reason: "the answer is larger than \(UsageTracker.maxBufferedBody) bytes"))
                return
            }
            var body = body
            collected.writeBuffer(&body)
            phase = .collecting(status: status, headers: headers, finalizer: finalizer, body: collected)
        case .relaying(let relay):
            switch relay.consume(body) {
            case .send(let outgoing?):
                client.writeBody(outgoing)
            case .send(nil):
                break
            case .block(let event):
                // Stop the model too: reading on would pay for output nobody receives.
                connection?.abandon()
                connection = nil
                client.writeBody(event)
                finish()
                client.endResponse()
            }
        case .waiting, .done:
            break
        }
    }

    func upstreamReadComplete() {
        if case .relaying = phase { client.flush() }
    }

    func upstreamEnd() {
        connection = nil
        switch phase {
        case .drainingError(let status, let retryAfter, let body):
            drained(status: status, retryAfter: retryAfter, message: UsageTracker.errorMessage(fromBody: body))
        case .collecting(let status, let headers, let finalizer, let body):
            finish()
            client.send(screen(status: status, headers: headers, finalizer: finalizer, body: body))
        case .relaying(let relay):
            let ended = Stopwatch()
            let tail = relay.endBody()
            finish()
            if let tail { client.writeBody(tail) }
            if relay.recordsBeforeClientEnd {
                relay.recordEnd(postProcessingMs: ended.elapsedMs)
                client.endResponse()
            } else {
                // Reading the usage and recording wait until the client has its answer.
                client.endResponse { relay.recordEnd(postProcessingMs: ended.elapsedMs) }
            }
        case .waiting, .done:
            break
        }
    }

    func upstreamFailed(_ error: UpstreamError) {
        switch phase {
        case .waiting:
            attemptFailed(error)
        case .drainingError(let status, let retryAfter, let body):
            connection = nil
            drained(status: status, retryAfter: retryAfter, message: UsageTracker.errorMessage(fromBody: body))
        case .collecting(_, _, let finalizer, _):
            connection = nil
            collectingFailed(finalizer, error: error)
        case .relaying(let relay):
            connection = nil
            let outcome = relay.upstreamFailed(UpstreamFailure(error, baseURL: "provider"))
            finish()
            switch outcome {
            case .endWith(let event):
                client.writeBody(event)
                client.endResponse()
            case .abortConnection:
                client.abortConnection()
            }
        case .done:
            break
        }
    }

    /// A retryable error answer was read: record it and go on to the next model.
    private func drained(status: Int, retryAfter: String?, message: String?) {
        cancelTimer()
        engine.recordFailedAttempt(record, status: status, message: message ?? "upstream answered \(status)",
                                   attempt: attemptIndex + 1, clock: attemptClock, snapshot: plan.snapshot)
        engine.latency.record(model: model ?? "", latencyMs: attemptClock.elapsedMs, failed: true)
        nextAttempt(retryAfter: retryAfter)
    }

    private func collectingFailed(_ finalizer: CallFinalizer, error: UpstreamError) {
        connection?.abandon()
        connection = nil
        finish()
        let failure = UpstreamFailure(error, baseURL: baseURL)
        finalizer.finish(.init(statusCode: failure.status, outcome: .upstreamError, usage: nil, errorMessage: failure.message))
        client.send(errorResponse(status: failure.status, message: failure.message, code: failure.code))
    }

    /// A non-streamed answer is screened before any of it is sent: blocked, the client gets the
    /// provider-shaped 400 instead (the call is still recorded with what it cost).
    private func screen(status: Int, headers: HTTPHeaders, finalizer: CallFinalizer, body: ByteBuffer) -> ProxyResponse {
        var decoded = Array(buffer: body)
        if let encoding = headers.first(name: "content-encoding"), let inflater = Inflater(contentEncoding: encoding) {
            var inflated: [UInt8] = []
            body.withUnsafeReadableBytes { bytes in inflater.inflate(bytes) { inflated.append(contentsOf: $0) } }
            decoded = inflated
        }
        decoded.withUnsafeBytes { plan.capture?.append($0) }
        var tracker = UsageTracker(facts: plan.facts)
        tracker.consume(decoded)
        tracker.finish()
        let guardrails = plan.snapshot.rules.guardrails
        let findings = guardrails.scanResponse(provider: plan.provider, endpoint: plan.facts.endpoint, body: decoded)
        if let blocking = findings.firstBlocking {
            let message = GuardrailMessages.block(blocking, rules: plan.snapshot.rules.source)
            finalizer.finish(.init(statusCode: 400, outcome: .blocked, usage: tracker.usage(), blockedBy: "guardrail:\(blocking.rule)",
                                   errorMessage: message, findings: GuardrailMessages.samples(findings)))
            return errorResponse(status: 400, message: message, code: "guardrail")
        }
        finalizer.finish(.init(statusCode: status, outcome: .ok, usage: tracker.usage(), findings: GuardrailMessages.samples(findings)))
        return ProxyResponse(status: status, headers: headers, body: .replay([body]))
    }

    private func errorResponse(status: Int, message: String, code: String) -> ProxyResponse {
        engine.errorAnswer(provider: plan.provider, status: status, message: message, code: code, id: plan.draft.id,
                           snapshot: plan.snapshot).response
    }

    // MARK: The client side

    /// The client's connection closed before the answer was complete.
    func clientGone() {
        switch phase {
        case .relaying(let relay):
            relay.clientGone()
        case .collecting(let status, _, let finalizer, _):
            finalizer.finish(.init(statusCode: status, outcome: .clientCancelled, usage: nil,
                                   errorMessage: "the client disconnected before the response was sent"))
        case .waiting, .drainingError:
            record.outcome = .clientCancelled
            record.errorMessage = "the client disconnected before the response was sent"
            engine.finishWithoutUpstream(&record, status: 499, snapshot: plan.snapshot, stopwatch: plan.stopwatch,
                                         upstreamMs: attemptClock.elapsedMs, analyze: plan.analyze)
            if let reservation = plan.reservation { engine.ledger.settle(reservation, actual: 0, calledUpstream: true) }
            plan.capture?.finish(record)
        case .done:
            return
        }
        connection?.abandon()
        connection = nil
        finish()
    }

    /// The client stopped (or resumed) taking bytes: so does the upstream read.
    func clientWritable(_ writable: Bool) {
        connection?.setReading(writable)
    }

    // MARK: Timers

    private func finish() {
        phase = .done
        generation += 1
        cancelTimer()
    }

    private func arm(after seconds: Double, _ fire: @escaping () -> Void) {
        cancelTimer()
        timer = pool.deadlines.schedule(at: .now() + .nanoseconds(Int64(max(0, seconds) * 1e9)), fire)
    }

    private func cancelTimer() {
        guard let timer else { return }
        pool.deadlines.cancel(timer)
        self.timer = nil
    }
}
