import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import Policy
import Providers

/// The proxy pipeline for one call: attribute it, read and inspect the body, forward it to the
/// provider with the request's snapshot, relay the answer, and record the call with its usage
/// and cost. Every path out of here, including every error, produces exactly one record.
public final class ProxyEngine: Sendable {
    let snapshots: SnapshotStore
    let upstream: UpstreamClient
    let ids: RequestIDGenerator
    let logger: Logger
    let sink: @Sendable (CallRecord) -> Void

    public static let requestIDHeader = HTTPField.Name("X-TokenLens-Request-Id")!
    public static let policyHeader = HTTPField.Name("X-TokenLens-Policy")!

    public init(snapshots: SnapshotStore, upstream: UpstreamClient, ids: RequestIDGenerator = RequestIDGenerator(),
                logger: Logger = Logger(label: "tokenlens.proxy"), sink: @escaping @Sendable (CallRecord) -> Void) {
        self.snapshots = snapshots
        self.upstream = upstream
        self.ids = ids
        self.logger = logger
        self.sink = sink
    }

    public func handle<Body: AsyncSequence>(_ head: ProxyRequestHead, body: Body) async -> ProxyResponse
    where Body.Element == ByteBuffer {
        let stopwatch = Stopwatch()
        let snapshot = snapshots.snapshot
        let now = Date()
        let id = ids.next(now: now)
        let route = ProxyRoute(path: head.path)
        let attribution = CallAttribution(headers: head.headers, urlSource: route?.source)
        var draft = CallRecord(
            id: id, timestampMicros: Int64(now.timeIntervalSince1970 * 1_000_000),
            provider: route?.providerName ?? "unknown", endpoint: Endpoint.other.rawValue,
            source: attribution.source, tags: attribution.tags, policyVersion: snapshot.version)

        guard let route, let provider = route.provider else {
            let name = route?.providerName ?? ""
            return reject(draft, provider: nil, status: 404, code: "unknown_provider", blockedBy: "request.unknown_provider",
                          message: "unknown provider '\(name)': use /proxy/openai/..., /proxy/anthropic/... or /proxy/google/...",
                          snapshot: snapshot, stopwatch: stopwatch)
        }
        draft.provider = provider.rawValue
        draft.endpoint = RequestInspector.endpoint(provider: provider, method: head.method, path: route.upstreamPath).rawValue

        if let kill = snapshot.rules.killSwitches[attribution.source] {
            return reject(draft, provider: provider, status: 403, code: "kill_switch", blockedBy: "kill_switch:\(kill.source)",
                          message: "TokenLens refused this call: source \"\(kill.source)\" is stopped by a kill switch (\(kill.origin))",
                          snapshot: snapshot, stopwatch: stopwatch)
        }

        // Read the body, bounded by the configured limit.
        let limit = snapshot.server.maxBodyBytes
        var requestBody = ByteBuffer()
        do {
            for try await part in body {
                if requestBody.readableBytes + part.readableBytes > limit {
                    return reject(draft, provider: provider, status: 413, code: "request_too_large",
                                  blockedBy: "server.max_body_bytes",
                                  message: "the request body is larger than the \(limit)-byte limit ([server] max_body_bytes in config.toml)",
                                  snapshot: snapshot, stopwatch: stopwatch)
                }
                var part = part
                requestBody.writeBuffer(&part)
            }
        } catch {
            var record = draft
            record.outcome = .clientCancelled
            record.errorMessage = "the client disconnected while sending the request"
            finishWithoutUpstream(&record, status: 499, snapshot: snapshot, stopwatch: stopwatch)
            return ProxyResponse(status: 400, headers: responseHeaders(id: id, snapshot: snapshot), body: .complete(""))
        }

        let facts: RequestFacts
        do {
            facts = try requestBody.withUnsafeReadableBytes { bytes in
                try RequestInspector.inspect(provider: provider, method: head.method, path: route.upstreamPath,
                                             query: head.query, body: bytes)
            }
        } catch {
            return reject(draft, provider: provider, status: 400, code: "invalid_json", blockedBy: "request.invalid_json",
                          message: "the request body is not valid JSON (\(error))",
                          snapshot: snapshot, stopwatch: stopwatch)
        }
        draft.endpoint = facts.endpoint.rawValue
        draft.requestedModel = facts.model
        draft.model = facts.model
        draft.stream = facts.stream

        // Ask OpenAI for the usage chunk the client did not request; it is hidden again on the way back.
        let injectUsage = facts.needsInjectedStreamUsage
        var forwardBody = requestBody
        if injectUsage {
            let rewritten = StreamUsageInjection.injectIncludeUsage(into: Array(buffer: requestBody))
            forwardBody = ByteBuffer(bytes: rewritten)
        }

        let settings = snapshot.settings(for: provider)
        var request = HTTPClientRequest(url: Self.upstreamURL(base: settings.baseURL, path: route.upstreamPath, query: head.query))
        request.method = HTTPMethod(rawValue: head.method)
        request.headers = ForwardedHeaders.upstreamRequest(head.headers, identityOnly: injectUsage)
        if forwardBody.readableBytes > 0 || ["POST", "PUT", "PATCH"].contains(head.method) {
            request.body = .bytes(forwardBody)
        }

        let preUpstreamMs = stopwatch.elapsedMs
        let finalizer = CallFinalizer(draft: draft, facts: facts, snapshot: snapshot, stopwatch: stopwatch,
                                      preUpstreamMs: preUpstreamMs, pendingStatus: 0, sink: sink)
        let response: HTTPClientResponse
        do {
            response = try await upstream.execute(request, timeoutSeconds: settings.timeoutSeconds)
        } catch {
            let failure = UpstreamFailure(error, baseURL: settings.baseURL)
            logger.warning("upstream call failed", metadata: ["id": "\(id)", "provider": "\(provider.rawValue)", "error": "\(failure.message)"])
            finalizer.finish(.init(statusCode: failure.status, outcome: .upstreamError, usage: nil, errorMessage: failure.message))
            var headers = responseHeaders(id: id, snapshot: snapshot)
            headers[.contentType] = "application/json"
            return ProxyResponse(status: failure.status, headers: headers,
                                 body: .complete(ProviderErrorBody.json(provider: provider, status: failure.status,
                                                                        message: failure.message, code: failure.code)))
        }

        var headers = ForwardedHeaders.clientResponse(response.headers, keepLength: !injectUsage)
        headers[Self.requestIDHeader] = id
        headers[Self.policyHeader] = snapshot.version
        let relay = ResponseRelay(upstream: response, facts: facts, finalizer: finalizer, hidesInjectedUsage: injectUsage)
        return ProxyResponse(status: Int(response.status.code), headers: headers, body: .relay(relay))
    }

    static func upstreamURL(base: String, path: String, query: String?) -> String {
        var url = base.hasSuffix("/") ? String(base.dropLast()) : base
        url += path
        if let query, !query.isEmpty { url += "?" + query }
        return url
    }

    func responseHeaders(id: String, snapshot: PolicySnapshot) -> HTTPFields {
        var headers = HTTPFields()
        headers[Self.requestIDHeader] = id
        headers[Self.policyHeader] = snapshot.version
        return headers
    }

    /// Answers without calling the provider, in the provider's error shape, and records the call.
    func reject(_ draft: CallRecord, provider: Provider?, status: Int, code: String, blockedBy: String, message: String,
                snapshot: PolicySnapshot, stopwatch: Stopwatch) -> ProxyResponse {
        var record = draft
        record.outcome = .blocked
        record.blockedBy = blockedBy
        record.errorMessage = message
        finishWithoutUpstream(&record, status: status, snapshot: snapshot, stopwatch: stopwatch)
        var headers = responseHeaders(id: draft.id, snapshot: snapshot)
        headers[.contentType] = "application/json"
        return ProxyResponse(status: status, headers: headers,
                             body: .complete(ProviderErrorBody.json(provider: provider, status: status, message: message, code: code)))
    }

    private func finishWithoutUpstream(_ record: inout CallRecord, status: Int, snapshot: PolicySnapshot, stopwatch: Stopwatch) {
        record.statusCode = status
        record.latencyMs = stopwatch.elapsedMs
        record.overheadMs = record.latencyMs
        record.cost = CallFinalizer.price(record: record, prices: snapshot.prices)
        sink(record)
    }
}
