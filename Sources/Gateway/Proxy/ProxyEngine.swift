import AsyncHTTPClient
import Foundation
import Guardrails
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import Policy
import Providers

/// The proxy pipeline for one call, decided by one policy snapshot from start to finish:
/// attribute it; refuse killed sources; read and inspect the body; route (alias, weights,
/// latency); reserve its worst-case cost against every limit; send it upstream, walking the
/// fallback chain on 5xx/429/connection failures; relay the answer; settle and record. Every
/// path out of here, including every error and every failed attempt, produces a record.
public final class ProxyEngine: Sendable {
    let snapshots: SnapshotStore
    let upstream: UpstreamClient
    let ids: RequestIDGenerator
    let logger: Logger
    let sink: @Sendable (CallRecord) -> Void
    public let ledger: SpendLedger
    public let latency: LatencyTracker
    let routes: RouteSelector
    let fallback: FallbackPolicy
    public let dedup: DedupCache
    /// Measures a request's prompt (heatmap, waste, complexity) off the response path; supplied
    /// by the daemon, which owns the tokenizer.
    let analyzer: (@Sendable (Provider, Endpoint, String?, JSONValue) -> RequestAnalysis?)?
    /// Where captured bodies go when `[logging] enabled` is on (the recorder's log writer);
    /// nil captures nothing, whatever the policy says.
    let capture: (@Sendable (CapturedExchange) -> Void)?

    public static let sessionHeader = HTTPField.Name("X-TokenLens-Session")!

    public static let requestIDHeader = HTTPField.Name("X-TokenLens-Request-Id")!
    public static let policyHeader = HTTPField.Name("X-TokenLens-Policy")!

    public init(snapshots: SnapshotStore, upstream: UpstreamClient, ids: RequestIDGenerator = RequestIDGenerator(),
                ledger: SpendLedger = SpendLedger(), latency: LatencyTracker = LatencyTracker(),
                random: RoutingRandom = RoutingRandom(), fallback: FallbackPolicy = FallbackPolicy(),
                dedup: DedupCache = DedupCache(),
                analyzer: (@Sendable (Provider, Endpoint, String?, JSONValue) -> RequestAnalysis?)? = nil,
                capture: (@Sendable (CapturedExchange) -> Void)? = nil,
                logger: Logger = Logger(label: "tokenlens.proxy"), sink: @escaping @Sendable (CallRecord) -> Void) {
        self.snapshots = snapshots
        self.upstream = upstream
        self.ids = ids
        self.ledger = ledger
        self.latency = latency
        self.routes = RouteSelector(random: random, latency: latency)
        self.fallback = fallback
        self.dedup = dedup
        self.analyzer = analyzer
        self.capture = capture
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
                          snapshot: snapshot, stopwatch: stopwatch, capturing: (head, requestBody))
        }
        draft.endpoint = facts.endpoint.rawValue
        draft.requestedModel = facts.model
        draft.model = facts.model
        draft.stream = facts.stream
        draft.maxOutputTokens = facts.maxOutputTokens
        draft.sessionID = head.headers[Self.sessionHeader].flatMap { CallAttribution.clean($0) }

        // Routing: only the model changes.
        let decision = routes.route(model: facts.model, source: attribution.source, provider: provider, snapshot: snapshot)
        draft.model = decision.model
        draft.rules += decision.rules
        let chain = attemptModels(primary: decision.model, snapshot: snapshot)

        // Request guardrails: PII, injection and custom rules over every prompt-bearing field.
        let guardrails = snapshot.rules.guardrails
        if guardrails.scansRequests, facts.endpoint.isMetered,
           let json = try? requestBody.withUnsafeReadableBytes({ try JSONReader.parse($0) }) {
            let findings = guardrails.scanRequest(PromptExtractor.extract(provider: provider, endpoint: facts.endpoint, body: json))
            draft.findings = GuardrailMessages.samples(findings)
            if let blocking = findings.firstBlocking {
                return reject(draft, provider: provider, status: 400, code: "guardrail", blockedBy: "guardrail:\(blocking.rule)",
                              message: GuardrailMessages.block(blocking, rules: snapshot.rules.source),
                              snapshot: snapshot, stopwatch: stopwatch)
            }
        }

        // Dedup: an identical request answered within the TTL is replayed, at no cost. It runs
        // before the budget check because a replay spends nothing.
        var dedupKey: String?
        if snapshot.dedup.enabled, facts.endpoint.isMetered, head.method == "POST" {
            let key = DedupCache.key(provider: provider, method: head.method, path: route.upstreamPath, query: head.query,
                                     model: decision.model, body: requestBody, headers: head.headers)
            if let hit = dedup.lookup(key, ttlSeconds: snapshot.dedup.ttlSeconds) {
                return replay(hit, draft: draft, snapshot: snapshot, stopwatch: stopwatch)
            }
            dedupKey = key
        }

        // Budgets and quotas: reserve the worst case before anything goes upstream.
        var reservation: SpendLedger.Reservation?
        if LimitPlan.mayApply(snapshot: snapshot, source: attribution.source, model: decision.model) {
            let windows = BudgetWindows(now: now, timeZone: snapshot.budget.timeZone)
            let limits = LimitPlan.limits(snapshot: snapshot, source: attribution.source, model: decision.model, windows: windows)
            let promptBytes = Self.promptBytes(requestBody, facts: facts)
            let worstCase = chain.map {
                LimitPlan.worstCaseCost(prices: snapshot.prices, model: $0, promptBytes: promptBytes, maxOutputTokens: facts.maxOutputTokens)
            }.max() ?? 0
            switch ledger.reserve(amount: worstCase, limits: limits) {
            case .refused(let refusal):
                var headers = responseHeaders(id: id, snapshot: snapshot)
                headers[.retryAfter] = String(refusal.retryAfterSeconds)
                return reject(draft, provider: provider, status: 429, code: "tokenlens_limit", blockedBy: refusal.rule,
                              message: "TokenLens refused this call: \(refusal.message); try again in \(refusal.retryAfterSeconds) s",
                              snapshot: snapshot, stopwatch: stopwatch, extraHeaders: headers, capturing: (head, requestBody))
            case .admitted(let held):
                reservation = held
                draft.rules += held.warnings.map { "warn:\($0.rule)" }
            }
        }

        let analysis = analyze(facts: facts, body: requestBody, draft: &draft)
        return await forward(head: head, route: route, provider: provider, facts: facts, body: requestBody,
                             models: chain, draft: draft, reservation: reservation, dedupKey: dedupKey,
                             analysis: analysis, snapshot: snapshot, stopwatch: stopwatch)
    }

    public static let cacheHeader = HTTPField.Name("X-TokenLens-Cache")!

    /// Answers from the dedup cache and records the call as free, with what it saved.
    func replay(_ hit: DedupCache.Entry, draft: CallRecord, snapshot: PolicySnapshot, stopwatch: Stopwatch) -> ProxyResponse {
        var record = draft
        record.model = hit.model ?? draft.model
        record.statusCode = hit.status
        record.outcome = .ok
        record.rules.append("dedup:hit")
        record.cost = CostBreakdown(cacheSavings: hit.costPicodollars)
        record.latencyMs = stopwatch.elapsedMs
        record.overheadMs = record.latencyMs
        record.ttftMs = record.latencyMs
        sink(record)
        var headers = hit.headers
        headers[Self.requestIDHeader] = draft.id
        headers[Self.policyHeader] = snapshot.version
        headers[Self.cacheHeader] = "HIT"
        return ProxyResponse(status: hit.status, headers: headers, body: .replay(hit.chunks))
    }

    /// The primary model and, if a fallback chain is triggered by it, its fallbacks.
    func attemptModels(primary: String?, snapshot: PolicySnapshot) -> [String?] {
        guard let primary, let chain = snapshot.rules.fallbackChains[primary] else { return [primary] }
        return [primary] + chain.fallbacks.map { snapshot.rules.aliases[$0]?.target ?? $0 }
    }

    /// Sends the call, walking the fallback chain while attempts fail with 5xx, 429, a refused
    /// connection or a timeout, as long as no byte has reached the client. Failed attempts are
    /// recorded on their own (`<id>.<n>`); the final answer is relayed and recorded under `id`.
    func forward(head: ProxyRequestHead, route: ProxyRoute, provider: Provider, facts: RequestFacts, body: ByteBuffer,
                 models: [String?], draft: CallRecord, reservation: SpendLedger.Reservation?, dedupKey: String?,
                 analysis: Task<RequestAnalysis?, Never>?, snapshot: PolicySnapshot, stopwatch: Stopwatch) async -> ProxyResponse {
        let settings = snapshot.settings(for: provider)
        let injectUsage = facts.needsInjectedStreamUsage
        let ledger = self.ledger
        let latency = self.latency
        var failedRules: [String] = []
        let capture = makeCapture(head: head, route: route, body: body, draft: draft, snapshot: snapshot)
        for (index, model) in models.enumerated() {
            let attempt = index + 1
            let isLast = index == models.count - 1
            var record = draft
            record.model = model
            record.attempts = attempt
            record.rules += failedRules
            let attemptClock = Stopwatch()
            let request = makeRequest(head: head, route: route, provider: provider, facts: facts, body: body,
                                      model: model, injectUsage: injectUsage, baseURL: settings.baseURL)
            let preUpstreamMs = stopwatch.elapsedMs
            do {
                let response = try await upstream.execute(request, timeoutSeconds: settings.timeoutSeconds)
                let status = Int(response.status.code)
                if !isLast, FallbackPolicy.isRetryable(status: status) {
                    let message = await Self.drainError(response)
                    recordFailedAttempt(record, status: status, message: message ?? "upstream answered \(status)",
                                        attempt: attempt, clock: attemptClock, snapshot: snapshot)
                    latency.record(model: model ?? "", latencyMs: attemptClock.elapsedMs, failed: true)
                    failedRules.append("fallback:\(model ?? "?")")
                    try? await Task.sleep(for: .milliseconds(Int64(fallback.delayMs(afterAttempt: attempt, retryAfter: response.headers.first(name: "retry-after")))))
                    continue
                }
                capture?.response(status: status, headers: response.headers)
                let finalizer = CallFinalizer(
                    draft: record, facts: facts, snapshot: snapshot, stopwatch: stopwatch, preUpstreamMs: preUpstreamMs,
                    pendingStatus: status, analysis: analysis, capture: capture,
                    onFinish: { finished in
                        if let reservation { ledger.settle(reservation, actual: finished.costPicodollars ?? 0, calledUpstream: true) }
                        if let model = finished.model {
                            latency.record(model: model, latencyMs: finished.latencyMs, failed: finished.outcome == .upstreamError)
                        }
                    },
                    sink: sink)
                var headers = ForwardedHeaders.clientResponse(response.headers, keepLength: !injectUsage)
                headers[Self.requestIDHeader] = draft.id
                headers[Self.policyHeader] = snapshot.version
                let guardrails = snapshot.rules.guardrails
                if guardrails.scansResponses, !facts.stream, (200..<300).contains(status) {
                    return await screenWholeResponse(response, headers: headers, facts: facts, provider: provider,
                                                     finalizer: finalizer, snapshot: snapshot)
                }
                var cachedHeaders = headers
                cachedHeaders[Self.requestIDHeader] = nil
                cachedHeaders[Self.policyHeader] = nil
                let relay = ResponseRelay(upstream: response, facts: facts, finalizer: finalizer, hidesInjectedUsage: injectUsage,
                                          dedup: dedupKey.map { (dedup, $0, cachedHeaders) },
                                          guardrails: guardrails.scansResponses ? guardrails : nil, rules: snapshot.rules.source)
                return ProxyResponse(status: status, headers: headers, body: .relay(relay))
            } catch {
                let failure = UpstreamFailure(error, baseURL: settings.baseURL)
                logger.warning("upstream call failed", metadata: ["id": "\(draft.id)", "provider": "\(provider.rawValue)",
                                                                  "attempt": "\(attempt)", "error": "\(failure.message)"])
                latency.record(model: model ?? "", latencyMs: attemptClock.elapsedMs, failed: true)
                if !isLast {
                    recordFailedAttempt(record, status: failure.status, message: failure.message, attempt: attempt,
                                        clock: attemptClock, snapshot: snapshot)
                    failedRules.append("fallback:\(model ?? "?")")
                    try? await Task.sleep(for: .milliseconds(Int64(fallback.delayMs(afterAttempt: attempt, retryAfter: nil))))
                    continue
                }
                record.outcome = .upstreamError
                record.errorMessage = failure.message
                finishWithoutUpstream(&record, status: failure.status, snapshot: snapshot, stopwatch: stopwatch,
                                      upstreamMs: attemptClock.elapsedMs, analysis: analysis)
                if let reservation { ledger.settle(reservation, actual: 0, calledUpstream: true) }
                var headers = responseHeaders(id: draft.id, snapshot: snapshot)
                headers[.contentType] = "application/json"
                let errorBody = ProviderErrorBody.json(provider: provider, status: failure.status, message: failure.message,
                                                       code: failure.code)
                capture?.response(status: failure.status, body: errorBody)
                capture?.finish(record)
                return ProxyResponse(status: failure.status, headers: headers, body: .complete(errorBody))
            }
        }
        // Unreachable: the last model always returns above.
        if let reservation { ledger.settle(reservation, actual: 0, calledUpstream: false) }
        return ProxyResponse(status: 502, headers: responseHeaders(id: draft.id, snapshot: snapshot), body: .complete(""))
    }

    /// A non-streamed answer must be scanned before any of it is sent, so it is read whole:
    /// blocked, the client gets the provider-shaped 400 instead (the call is still recorded with
    /// what it cost); otherwise the bytes are sent as they came.
    func screenWholeResponse(_ response: HTTPClientResponse, headers: HTTPFields, facts: RequestFacts, provider: Provider,
                             finalizer: CallFinalizer, snapshot: PolicySnapshot) async -> ProxyResponse {
        let status = Int(response.status.code)
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: UsageTracker.maxBufferedBody)
        } catch {
            let failure = UpstreamFailure(error, baseURL: snapshot.settings(for: provider).baseURL)
            finalizer.finish(.init(statusCode: failure.status, outcome: .upstreamError, usage: nil, errorMessage: failure.message))
            var errorHeaders = responseHeaders(id: headers[Self.requestIDHeader] ?? "", snapshot: snapshot)
            errorHeaders[.contentType] = "application/json"
            return ProxyResponse(status: failure.status, headers: errorHeaders,
                                 body: .complete(ProviderErrorBody.json(provider: provider, status: failure.status,
                                                                        message: failure.message, code: failure.code)))
        }
        var decoded = Array(buffer: body)
        if let encoding = response.headers.first(name: "content-encoding"), let inflater = Inflater(contentEncoding: encoding) {
            var inflated: [UInt8] = []
            body.withUnsafeReadableBytes { bytes in inflater.inflate(bytes) { inflated.append(contentsOf: $0) } }
            decoded = inflated
        }
        var tracker = UsageTracker(facts: facts)
        tracker.consume(decoded)
        tracker.finish()
        let findings = snapshot.rules.guardrails.scanResponse(provider: provider, endpoint: facts.endpoint, body: decoded)
        if let blocking = findings.firstBlocking {
            let message = GuardrailMessages.block(blocking, rules: snapshot.rules.source)
            finalizer.finish(.init(statusCode: 400, outcome: .blocked, usage: tracker.usage(), blockedBy: "guardrail:\(blocking.rule)",
                                   errorMessage: message, findings: GuardrailMessages.samples(findings)))
            var errorHeaders = responseHeaders(id: headers[Self.requestIDHeader] ?? "", snapshot: snapshot)
            errorHeaders[.contentType] = "application/json"
            return ProxyResponse(status: 400, headers: errorHeaders,
                                 body: .complete(ProviderErrorBody.json(provider: provider, status: 400, message: message, code: "guardrail")))
        }
        finalizer.finish(.init(statusCode: status, outcome: .ok, usage: tracker.usage(), findings: GuardrailMessages.samples(findings)))
        return ProxyResponse(status: status, headers: headers, body: .replay([body]))
    }

    func makeRequest(head: ProxyRequestHead, route: ProxyRoute, provider: Provider, facts: RequestFacts, body: ByteBuffer,
                     model: String?, injectUsage: Bool, baseURL: String) -> HTTPClientRequest {
        var path = route.upstreamPath
        var forwardBody = body
        if let model, model != facts.model {
            if provider == .google, let original = facts.model {
                path = path.replacingOccurrences(of: "/models/\(original):", with: "/models/\(model):")
            } else if let range = facts.modelValueRange {
                forwardBody = ByteBuffer(bytes: StreamUsageInjection.replacingModel(in: Array(buffer: body), valueRange: range, with: model))
            }
        }
        if injectUsage {
            forwardBody = ByteBuffer(bytes: StreamUsageInjection.injectIncludeUsage(into: Array(buffer: forwardBody)))
        }
        var request = HTTPClientRequest(url: Self.upstreamURL(base: baseURL, path: path, query: head.query))
        request.method = HTTPMethod(rawValue: head.method)
        request.headers = ForwardedHeaders.upstreamRequest(head.headers, identityOnly: injectUsage)
        if forwardBody.readableBytes > 0 || ["POST", "PUT", "PATCH"].contains(head.method) {
            request.body = .bytes(forwardBody)
        }
        return request
    }

    /// Reads a failed attempt's error body (bounded) for its message.
    static func drainError(_ response: HTTPClientResponse) async -> String? {
        guard let body = try? await response.body.collect(upTo: 256 * 1024) else { return nil }
        return UsageTracker.errorMessage(fromBody: Array(buffer: body))
    }

    func recordFailedAttempt(_ record: CallRecord, status: Int, message: String, attempt: Int, clock: Stopwatch, snapshot: PolicySnapshot) {
        var failed = record
        failed.id = "\(record.id).\(attempt)"
        failed.outcome = .upstreamError
        failed.statusCode = status
        failed.errorMessage = message
        failed.latencyMs = clock.elapsedMs
        failed.cost = CostBreakdown()
        sink(failed)
    }

    /// Bytes of prompt text, which bound its token count (a token is at least one byte).
    static func promptBytes(_ body: ByteBuffer, facts: RequestFacts) -> Int {
        guard facts.endpoint.isMetered, let json = try? body.withUnsafeReadableBytes({ try JSONReader.parse($0) }) else {
            return body.readableBytes
        }
        let content = PromptExtractor.extract(provider: facts.provider, endpoint: facts.endpoint, body: json)
        let bytes = content.segments.reduce(0) { $0 + $1.text.utf8.count }
        return bytes > 0 ? bytes : body.readableBytes
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
    /// `capturing` is the request, when its body was read, for request logging.
    func reject(_ draft: CallRecord, provider: Provider?, status: Int, code: String, blockedBy: String, message: String,
                snapshot: PolicySnapshot, stopwatch: Stopwatch, extraHeaders: HTTPFields? = nil,
                capturing: (head: ProxyRequestHead, body: ByteBuffer)? = nil) -> ProxyResponse {
        var record = draft
        record.outcome = .blocked
        record.blockedBy = blockedBy
        record.errorMessage = message
        finishWithoutUpstream(&record, status: status, snapshot: snapshot, stopwatch: stopwatch)
        var headers = extraHeaders ?? responseHeaders(id: draft.id, snapshot: snapshot)
        headers[.contentType] = "application/json"
        let body = ProviderErrorBody.json(provider: provider, status: status, message: message, code: code)
        if let capturing, let route = ProxyRoute(path: capturing.head.path),
           let capture = makeCapture(head: capturing.head, route: route, body: capturing.body, draft: draft, snapshot: snapshot) {
            capture.response(status: status, body: body)
            capture.finish(record)
        }
        return ProxyResponse(status: status, headers: headers, body: .complete(body))
    }

    /// A capture of this call's bodies when request logging is on, else nil (nothing copied).
    func makeCapture(head: ProxyRequestHead, route: ProxyRoute, body: ByteBuffer, draft: CallRecord,
                     snapshot: PolicySnapshot) -> ExchangeCapture? {
        guard snapshot.logging.enabled, let capture else { return nil }
        return ExchangeCapture(limit: snapshot.logging.maxBodyBytes, sink: capture, callID: draft.id,
                               timestampMicros: draft.timestampMicros, method: head.method, path: route.upstreamPath,
                               query: head.query, requestHeaders: head.headers, requestBody: body)
    }

    private func finishWithoutUpstream(_ record: inout CallRecord, status: Int, snapshot: PolicySnapshot, stopwatch: Stopwatch,
                                       upstreamMs: Double = 0, analysis: Task<RequestAnalysis?, Never>? = nil) {
        record.statusCode = status
        record.latencyMs = stopwatch.elapsedMs
        record.overheadMs = max(0, record.latencyMs - upstreamMs)
        record.cost = CallFinalizer.price(record: record, prices: snapshot.prices)
        CallFinalizer.deliver(record, analysis: analysis, sink: sink)
    }

    /// Starts the prompt analysis beside the upstream call (it never delays the response) and
    /// fingerprints the request for retry-loop detection.
    func analyze(facts: RequestFacts, body: ByteBuffer, draft: inout CallRecord) -> Task<RequestAnalysis?, Never>? {
        guard facts.endpoint.isMetered else { return nil }
        let source = draft.source
        let model = draft.model
        let analyzer = self.analyzer
        draft.fingerprint = RequestFingerprint.of(body: body, model: model, source: source)
        guard let analyzer else { return nil }
        return Task {
            guard let json = try? body.withUnsafeReadableBytes({ try JSONReader.parse($0) }) else { return nil }
            return analyzer(facts.provider, facts.endpoint, model, json)
        }
    }
}
