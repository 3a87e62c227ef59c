import AsyncHTTPClient
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

    init(upstream: HTTPClientResponse, facts: RequestFacts, finalizer: CallFinalizer, hidesInjectedUsage: Bool) {
        self.upstream = upstream
        self.facts = facts
        self.finalizer = finalizer
        self.hidesInjectedUsage = hidesInjectedUsage
        self.contentEncoding = upstream.headers.first(name: "content-encoding")
    }

    /// Streams the body through `write`. Errors writing to the client end the relay quietly
    /// (the call is recorded as cancelled); the upstream is abandoned with it.
    public func run(write: (ByteBuffer) async throws -> Void) async {
        let status = Int(upstream.status.code)
        let isError = status >= 400
        var tracker = UsageTracker(facts: isError ? RequestFacts(provider: facts.provider, endpoint: .other) : facts)
        var errorBody: [UInt8] = []
        var filter = hidesInjectedUsage && !isError ? OpenAIUsageChunkFilter() : nil
        let inflater = contentEncoding.flatMap { Inflater(contentEncoding: $0) }
        var ttftMs: Double?

        func observe(_ bytes: UnsafeRawBufferPointer) {
            if isError {
                if errorBody.count < 64 * 1024 { errorBody.append(contentsOf: bytes.prefix(64 * 1024 - errorBody.count)) }
            } else {
                tracker.consume(bytes)
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
                if facts.stream, !isError {
                    let event = ProviderErrorBody.streamEvent(provider: facts.provider, format: facts.streamFormat,
                                                              status: 502, message: message, code: "upstream_stream_error")
                    try? await write(ByteBuffer(string: event))
                }
                finalizer.finish(.init(statusCode: status, outcome: .upstreamError, usage: tracker.usage(),
                                       errorMessage: message, ttftMs: ttftMs))
                return
            }
            guard let chunk else { break }
            if ttftMs == nil { ttftMs = finalizer.elapsedMs }
            chunk.withUnsafeReadableBytes { bytes in
                if let inflater { inflater.inflate(bytes, into: observe) } else { observe(bytes) }
            }
            let outgoing: ByteBuffer
            if filter != nil {
                let kept = chunk.withUnsafeReadableBytes { filter!.filter($0) }
                if kept.isEmpty { continue }
                outgoing = ByteBuffer(bytes: kept)
            } else {
                outgoing = chunk
            }
            do {
                try await write(outgoing)
            } catch {
                tracker.finish()
                finalizer.finish(.init(statusCode: status, outcome: .clientCancelled, usage: tracker.usage(),
                                       errorMessage: "the client disconnected mid-response", ttftMs: ttftMs))
                return
            }
        }
        let finishing = Stopwatch()
        if var remaining = filter {
            let tail = remaining.finish()
            filter = remaining
            if !tail.isEmpty { try? await write(ByteBuffer(bytes: tail)) }
        }
        tracker.finish()
        let usage = isError ? nil : tracker.usage()
        finalizer.finish(.init(
            statusCode: status,
            outcome: isError ? .upstreamError : .ok,
            usage: usage,
            errorMessage: isError ? (UsageTracker.errorMessage(fromBody: errorBody) ?? "upstream answered \(status)") : nil,
            ttftMs: ttftMs,
            postProcessingMs: finishing.elapsedMs))
    }
}
