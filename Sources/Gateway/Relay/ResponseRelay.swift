import AsyncHTTPClient
import Guardrails
import Policy
import Foundation
import HTTPTypes
import NIOCore
import Providers

/// Passes an upstream response body to the client chunk by chunk, as it arrives, while a
/// `UsageTracker` reads a copy (inflated if the provider compressed it). When the body ends,
/// fails, or the client goes away, the call is finished with the usage seen.
public final class ResponseRelay: Sendable {
    let upstream: HTTPClientResponse
    let facts: RequestFacts
    let finalizer: CallFinalizer
    let hidesInjectedUsage: Bool
    let contentEncoding: String?
    /// The client was promised a `Content-Length`: a short body must close the connection.
    let hasLength: Bool

    /// Where to keep the answer for replay, when dedup is on.
    let dedup: (cache: DedupCache, key: String, headers: HTTPFields)?

    /// Guardrails that scan the model's output as it streams (nil when none apply).
    let guardrails: GuardrailSet?
    let rules: GatewayRules?

    init(upstream: HTTPClientResponse, facts: RequestFacts, finalizer: CallFinalizer, hidesInjectedUsage: Bool,
         dedup: (cache: DedupCache, key: String, headers: HTTPFields)? = nil, guardrails: GuardrailSet? = nil,
         rules: GatewayRules? = nil) {
        self.dedup = dedup
        self.guardrails = guardrails
        self.rules = rules
        self.upstream = upstream
        self.facts = facts
        self.finalizer = finalizer
        self.hidesInjectedUsage = hidesInjectedUsage
        self.contentEncoding = upstream.headers.first(name: "content-encoding")
        self.hasLength = upstream.headers.first(name: "content-length") != nil && !hidesInjectedUsage
    }

    /// How a relay ended, for the server: a body cut short must not be finished as if it were
    /// complete (a client waiting for the rest of a `Content-Length` would hang), so the
    /// connection is closed instead.
    public enum End: Sendable {
        case complete
        case abortConnection
    }

    /// Streams the body through `write`. Errors writing to the client end the relay quietly
    /// (the call is recorded as cancelled); the upstream is abandoned with it.
    public func run(write: (ByteBuffer) async throws -> Void) async -> End {
        let status = Int(upstream.status.code)
        let isError = status >= 400
        var tracker = UsageTracker(facts: isError ? RequestFacts(provider: facts.provider, endpoint: .other) : facts)
        var errorBody: [UInt8] = []
        var filter = hidesInjectedUsage && !isError ? OpenAIUsageChunkFilter() : nil
        let inflater = contentEncoding.flatMap { Inflater(contentEncoding: $0) }
        var ttftMs: Double?
        var captured: [ByteBuffer]? = dedup != nil && !isError ? [] : nil
        var capturedBytes = 0
        var scanner = isError ? nil : guardrails?.streamingScanner(provider: facts.provider, endpoint: facts.endpoint, format: facts.streamFormat)
        if scanner?.isActive == false { scanner = nil }
        var blocking: GuardrailFinding?
        // Only an uncompressed-or-not body relayed byte for byte has a length to count against.
        let expectedLength = hasLength && filter == nil ? upstream.headers.first(name: "content-length").flatMap(Int.init) : nil
        var relayedBytes = 0
        var storedEarly = false
        let bodyLog = finalizer.capture

        func observe(_ bytes: UnsafeRawBufferPointer) {
            bodyLog?.append(bytes)
            if isError {
                if errorBody.count < 64 * 1024 { errorBody.append(contentsOf: bytes.prefix(64 * 1024 - errorBody.count)) }
            } else {
                tracker.consume(bytes)
                if blocking == nil, let found = scanner?.consume(bytes) { blocking = found }
            }
        }

        var iterator = upstream.body.makeAsyncIterator()
        while true {
            let chunk: ByteBuffer?
            do {
                chunk = try await iterator.next()
            } catch {
                // The upstream failed mid-body: tell the client in the provider's own terms.
                tracker.finish()
                let failure = UpstreamFailure(error, baseURL: "provider")
                let message = "the upstream stream ended abnormally: \(failure.message)"
                var end = End.abortConnection
                if facts.stream, !isError, !hasLength {
                    // A stream can end cleanly with an error event the client's SDK raises.
                    let event = ProviderErrorBody.streamEvent(provider: facts.provider, format: facts.streamFormat,
                                                              status: 502, message: message, code: "upstream_stream_error")
                    if (try? await write(ByteBuffer(string: event))) != nil { end = .complete }
                }
                finalizer.finish(.init(statusCode: status, outcome: .upstreamError, usage: tracker.usage(),
                                       errorMessage: message, ttftMs: ttftMs))
                return end
            }
            guard let chunk else { break }
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
                try? await write(ByteBuffer(string: event))
                finalizer.finish(.init(statusCode: status, outcome: .blocked, usage: tracker.usage(),
                                       blockedBy: "guardrail:\(finding.rule)", errorMessage: message, ttftMs: ttftMs,
                                       findings: GuardrailMessages.samples(scanner?.findings ?? [finding])))
                return .complete
            }
            let outgoing: ByteBuffer
            if filter != nil {
                let kept = chunk.withUnsafeReadableBytes { filter!.filter($0) }
                if kept.isEmpty { continue }
                outgoing = ByteBuffer(bytes: kept)
            } else {
                outgoing = chunk
            }
            if captured != nil {
                capturedBytes += outgoing.readableBytes
                if let cache = dedup?.cache, capturedBytes <= cache.maxEntryBytes { captured?.append(outgoing) } else { captured = nil }
            }
            relayedBytes += outgoing.readableBytes
            // A client promised a Content-Length is done reading with the last byte, before
            // this relay returns: keep the replay before sending that byte, so an identical
            // request sent right after finds it.
            if let dedup, let captured, let expectedLength, relayedBytes >= expectedLength, !storedEarly, scanner == nil {
                storedEarly = true
                tracker.finish()
                let failure = tracker.streamError
                if let record = finalizer.finish(.init(statusCode: status, outcome: failure == nil ? .ok : .upstreamError,
                                                       usage: tracker.usage(), errorMessage: failure, ttftMs: ttftMs)),
                   record.outcome == .ok, (200..<300).contains(status) {
                    dedup.cache.store(dedup.key, DedupCache.Entry(status: status, headers: dedup.headers, chunks: captured,
                                                                  storedAt: Date(), costPicodollars: record.costPicodollars ?? 0,
                                                                  model: record.model, usage: record.usage))
                }
            }
            do {
                try await write(outgoing)
            } catch {
                tracker.finish()
                finalizer.finish(.init(statusCode: status, outcome: .clientCancelled, usage: tracker.usage(),
                                       errorMessage: "the client disconnected mid-response", ttftMs: ttftMs))
                return .abortConnection
            }
        }
        if storedEarly { return .complete }
        let finishing = Stopwatch()
        if var remaining = filter {
            let tail = remaining.finish()
            filter = remaining
            if !tail.isEmpty {
                try? await write(ByteBuffer(bytes: tail))
                captured?.append(ByteBuffer(bytes: tail))
            }
        }
        tracker.finish()
        if var active = scanner, let finding = active.finish() {
            // A match completed by the last bytes; the text is out, but the call is still marked.
            scanner = active
            blocking = finding
        }
        let usage = isError ? nil : tracker.usage()
        let failure = isError ? (UsageTracker.errorMessage(fromBody: errorBody) ?? "upstream answered \(status)") : tracker.streamError
        let record = finalizer.finish(.init(
            statusCode: status,
            outcome: blocking != nil ? .blocked : failure == nil ? .ok : .upstreamError,
            usage: usage,
            blockedBy: blocking.map { "guardrail:\($0.rule)" },
            errorMessage: failure ?? blocking.map { GuardrailMessages.block($0, rules: rules) },
            ttftMs: ttftMs,
            postProcessingMs: finishing.elapsedMs,
            findings: GuardrailMessages.samples(scanner?.findings ?? [])))
        if let dedup, let captured, let record, record.outcome == .ok, (200..<300).contains(status) {
            dedup.cache.store(dedup.key, DedupCache.Entry(status: status, headers: dedup.headers, chunks: captured,
                                                          storedAt: Date(), costPicodollars: record.costPicodollars ?? 0,
                                                          model: record.model, usage: record.usage))
        }
        return .complete
    }
}
