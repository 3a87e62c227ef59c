import Foundation
import Guardrails
import HTTPTypes
import NIOCore
import NIOHTTP1
import Policy
import Providers

/// Reads an upstream response body as it is relayed to the client, chunk by chunk: a
/// `UsageTracker` reads a copy (inflated if the provider compressed it), the injected OpenAI
/// usage chunk is hidden, streaming guardrails watch the output, and the answer is kept for
/// dedup replay. The proxy's channel handler drives it from the event loop and writes what it
/// returns; when the body ends, fails, or the client goes away, the call is finished with the
/// usage seen. Not thread-safe: it lives on one event loop.
final class ResponseRelay {
    /// What to do with one upstream chunk.
    enum Step {
        /// Send these bytes (nil: nothing to send for this chunk).
        case send(ByteBuffer?)
        /// A guardrail matched: send this error event, then end the response and drop the upstream.
        case block(ByteBuffer)
    }

    /// How a body that broke off ends for the client.
    enum Failure {
        /// Send this error event, then end the response normally (a stream the client's SDK raises on).
        case endWith(ByteBuffer)
        /// Close the connection: the client was promised a length, or nothing can be said in-band.
        case abortConnection
    }

    private let status: Int
    private let facts: RequestFacts
    private let finalizer: CallFinalizer
    private let isError: Bool
    /// The client was promised a `Content-Length`: a short body must close the connection.
    private let hasLength: Bool
    /// Where to keep the answer for replay, when dedup is on.
    private let dedup: (cache: DedupCache, key: String, headers: HTTPHeaders)?
    private let rules: GatewayRules?

    private var tracker: UsageTracker
    private var errorBody: [UInt8] = []
    private var filter: OpenAIUsageChunkFilter?
    private let inflater: Inflater?
    private var ttftMs: Double?
    private var captured: [ByteBuffer]?
    private var capturedBytes = 0
    private var scanner: StreamingOutputScanner?
    private var blocking: GuardrailFinding?
    private let expectedLength: Int?
    private var relayedBytes = 0
    private var storedEarly = false
    private var finished = false

    /// - Parameters:
    ///   - contentLength, contentEncoding: the provider's headers of those names.
    init(status: Int, contentLength: String?, contentEncoding: String?, facts: RequestFacts, finalizer: CallFinalizer,
         hidesInjectedUsage: Bool,
         dedup: (cache: DedupCache, key: String, headers: HTTPHeaders)? = nil, guardrails: GuardrailSet? = nil,
         rules: GatewayRules? = nil) {
        self.status = status
        self.facts = facts
        self.finalizer = finalizer
        self.dedup = dedup
        self.rules = rules
        isError = status >= 400
        hasLength = contentLength != nil && !hidesInjectedUsage
        tracker = UsageTracker(facts: isError ? RequestFacts(provider: facts.provider, endpoint: .other) : facts)
        filter = hidesInjectedUsage && !isError ? OpenAIUsageChunkFilter() : nil
        inflater = contentEncoding.flatMap { Inflater(contentEncoding: $0) }
        captured = dedup != nil && !isError ? [] : nil
        var scanner = isError ? nil : guardrails?.streamingScanner(provider: facts.provider, endpoint: facts.endpoint,
                                                                   format: facts.streamFormat)
        if scanner?.isActive == false { scanner = nil }
        self.scanner = scanner
        // Only a body relayed byte for byte has a length to count against.
        expectedLength = hasLength && filter == nil ? contentLength.flatMap(Int.init) : nil
    }

    private func observe(_ bytes: UnsafeRawBufferPointer) {
        finalizer.capture?.append(bytes)
        if isError {
            if errorBody.count < 64 * 1024 { errorBody.append(contentsOf: bytes.prefix(64 * 1024 - errorBody.count)) }
        } else {
            tracker.consume(bytes)
            if blocking == nil, let found = scanner?.consume(bytes) { blocking = found }
        }
    }

    /// Reads one chunk of the upstream body and says what the client gets.
    func consume(_ chunk: ByteBuffer) -> Step {
        if ttftMs == nil { ttftMs = finalizer.elapsedMs }
        chunk.withUnsafeReadableBytes { bytes in
            if let inflater { inflater.inflate(bytes, into: observe) } else { observe(bytes) }
        }
        if let finding = blocking {
            // The model's output broke a guardrail: end the stream with the provider's error.
            tracker.finish()
            let message = GuardrailMessages.block(finding, rules: rules)
            let event = ProviderErrorBody.streamEvent(provider: facts.provider, format: facts.streamFormat,
                                                      status: 400, message: message, code: "guardrail")
            finish(.init(statusCode: status, outcome: .blocked, usage: tracker.usage(),
                         blockedBy: "guardrail:\(finding.rule)", errorMessage: message, ttftMs: ttftMs,
                         findings: GuardrailMessages.samples(scanner?.findings ?? [finding])))
            return .block(ByteBuffer(string: event))
        }
        let outgoing: ByteBuffer
        if filter != nil {
            let kept = chunk.withUnsafeReadableBytes { filter!.filter($0) }
            if kept.isEmpty { return .send(nil) }
            outgoing = ByteBuffer(bytes: kept)
        } else {
            outgoing = chunk
        }
        if captured != nil {
            capturedBytes += outgoing.readableBytes
            if let cache = dedup?.cache, capturedBytes <= cache.maxEntryBytes { captured?.append(outgoing) } else { captured = nil }
        }
        relayedBytes += outgoing.readableBytes
        // A client promised a Content-Length is done reading with the last byte: keep the
        // replay before that byte is sent, so an identical request sent right after finds it.
        if dedup != nil, let expectedLength, relayedBytes >= expectedLength, !storedEarly, scanner == nil {
            storedEarly = true
            tracker.finish()
            let failure = tracker.streamError
            let record = finish(.init(statusCode: status, outcome: failure == nil ? .ok : .upstreamError,
                                      usage: tracker.usage(), errorMessage: failure, ttftMs: ttftMs))
            keepForReplay(record)
        }
        return .send(outgoing)
    }

    /// The upstream body ended: returns the last bytes to send (the held-back part of a
    /// filtered stream). `recordEnd` then records the call.
    func endBody() -> ByteBuffer? {
        guard !storedEarly, !finished, var remaining = filter else { return nil }
        let bytes = remaining.finish()
        filter = remaining
        guard !bytes.isEmpty else { return nil }
        let tail = ByteBuffer(bytes: bytes)
        captured?.append(tail)
        return tail
    }

    /// With dedup on, the call is recorded (and its answer kept for replay) before the client's
    /// last byte goes out: a client that gets its answer and sends the same request again at
    /// once must find it. Otherwise the usage is read after the client has its answer.
    var recordsBeforeClientEnd: Bool { dedup != nil }

    /// Records the call whose body ended. `postProcessingMs` is the time TokenLens took from
    /// the end of the upstream body to the client's last byte.
    func recordEnd(postProcessingMs: Double) {
        if storedEarly || finished { return }
        tracker.finish()
        if var active = scanner, let finding = active.finish() {
            // A match completed by the last bytes; the text is out, but the call is still marked.
            scanner = active
            blocking = finding
        }
        let usage = isError ? nil : tracker.usage()
        let failure = isError ? (UsageTracker.errorMessage(fromBody: errorBody) ?? "upstream answered \(status)") : tracker.streamError
        let record = finish(.init(
            statusCode: status,
            outcome: blocking != nil ? .blocked : failure == nil ? .ok : .upstreamError,
            usage: usage,
            blockedBy: blocking.map { "guardrail:\($0.rule)" },
            errorMessage: failure ?? blocking.map { GuardrailMessages.block($0, rules: rules) },
            ttftMs: ttftMs,
            postProcessingMs: postProcessingMs,
            findings: GuardrailMessages.samples(scanner?.findings ?? [])))
        keepForReplay(record)
    }

    /// The upstream failed mid-body: tells the client in the provider's own terms when it can.
    func upstreamFailed(_ failure: UpstreamFailure) -> Failure {
        tracker.finish()
        let message = "the upstream stream ended abnormally: \(failure.message)"
        var end = Failure.abortConnection
        if facts.stream, !isError, !hasLength {
            // A stream can end cleanly with an error event the client's SDK raises.
            let event = ProviderErrorBody.streamEvent(provider: facts.provider, format: facts.streamFormat,
                                                      status: 502, message: message, code: "upstream_stream_error")
            end = .endWith(ByteBuffer(string: event))
        }
        finish(.init(statusCode: status, outcome: .upstreamError, usage: tracker.usage(), errorMessage: message, ttftMs: ttftMs))
        return end
    }

    /// The client went away: the call is recorded with what was seen so far.
    func clientGone() {
        tracker.finish()
        finish(.init(statusCode: status, outcome: .clientCancelled, usage: tracker.usage(),
                     errorMessage: "the client disconnected mid-response", ttftMs: ttftMs))
    }

    @discardableResult
    private func finish(_ outcome: CallFinalizer.Outcome) -> CallRecord? {
        finished = true
        return finalizer.finish(outcome)
    }

    private func keepForReplay(_ record: CallRecord?) {
        guard let dedup, let captured, let record, record.outcome == .ok, (200..<300).contains(status) else { return }
        dedup.cache.store(dedup.key, DedupCache.Entry(status: status, headers: dedup.headers, chunks: captured,
                                                      storedAt: Date(), costPicodollars: record.costPicodollars ?? 0,
                                                      model: record.model, usage: record.usage))
    }
}
