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
    let upstream: UpstreamPool
    let ids: RequestIDGenerator
    let logger: Logger
    let sink: RecordSink
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

    static let sessionHeader = "X-TokenLens-Session"

    static let requestIDHeader = "X-TokenLens-Request-Id"
    static let policyHeader = "X-TokenLens-Policy"

    public init(snapshots: SnapshotStore, upstream: UpstreamPool, ids: RequestIDGenerator = RequestIDGenerator(),
                ledger: SpendLedger = SpendLedger(), latency: LatencyTracker = LatencyTracker(),
                random: RoutingRandom = RoutingRandom(), fallback: FallbackPolicy = FallbackPolicy(),
                dedup: DedupCache = DedupCache(),
                analyzer: (@Sendable (Provider, Endpoint, String?, JSONValue) -> RequestAnalysis?)? = nil,
                capture: (@Sendable (CapturedExchange) -> Void)? = nil,
                logger: Logger = Logger(label: "tokenlens.proxy"), sink: RecordSink) {
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

    /// Starts a call whose head has arrived: its id, clock, snapshot and attribution.
    func start(_ head: ProxyRequestHead) -> ProxyCall {
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
        if let route, let provider = route.provider {
            draft.provider = provider.rawValue
            draft.endpoint = RequestInspector.endpoint(provider: provider, method: head.method, path: route.upstreamPath).rawValue
        }
        return ProxyCall(head: head, snapshot: snapshot, stopwatch: stopwatch, now: now, route: route,
                         attribution: attribution, draft: draft)
    }

    /// Whether the call may go on to its body: refused without it for an unknown provider or
    /// a killed source.
    enum Admission {
        case admitted(ProxyRoute, Provider)
        case refused(ProxyResponse)
    }

    func admission(_ call: ProxyCall) -> Admission {
        guard let route = call.route, let provider = route.provider else {
            let name = call.route?.providerName ?? ""
            return .refused(reject(call.draft, provider: nil, status: 404, code: "unknown_provider",
                                   blockedBy: "request.unknown_provider",
                                   message: "unknown provider '\(name)': use /proxy/openai/..., /proxy/anthropic/... or /proxy/google/...",
                                   snapshot: call.snapshot, stopwatch: call.stopwatch))
        }
        if let kill = call.snapshot.rules.killSwitches[call.attribution.source] {
            return .refused(reject(call.draft, provider: provider, status: 403, code: "kill_switch",
                                   blockedBy: "kill_switch:\(kill.source)",
                                   message: "TokenLens refused this call: source \"\(kill.source)\" is stopped by a kill switch (\(kill.origin))",
                                   snapshot: call.snapshot, stopwatch: call.stopwatch))
        }
        return .admitted(route, provider)
    }

    /// The body passed the configured limit ([server] max_body_bytes).
    func bodyTooLarge(_ call: ProxyCall) -> ProxyResponse {
        if case .refused(let refusal) = admission(call) { return refusal }
        let limit = call.snapshot.server.maxBodyBytes
        return reject(call.draft, provider: call.route?.provider, status: 413, code: "request_too_large",
                      blockedBy: "server.max_body_bytes",
                      message: "the request body is larger than the \(limit)-byte limit ([server] max_body_bytes in config.toml)",
                      snapshot: call.snapshot, stopwatch: call.stopwatch)
    }

    /// The request's body cannot be read (broken chunked framing, or a transfer coding other
    /// than chunked), nor anything after it.
    func malformedBody(_ call: ProxyCall) -> ProxyResponse {
        if case .refused(let refusal) = admission(call) { return refusal }
        return reject(call.draft, provider: call.route?.provider, status: 400, code: "invalid_request_body",
                      blockedBy: "request.malformed_body",
                      message: "the request body cannot be read: its chunked transfer coding is malformed, or it uses a transfer coding other than chunked",
                      snapshot: call.snapshot, stopwatch: call.stopwatch)
    }

    /// The client went away before its request body was complete.
    func cancelledWhileSending(_ call: ProxyCall) {
        var record = call.draft
        record.outcome = .clientCancelled
        record.errorMessage = "the client disconnected while sending the request"
        finishWithoutUpstream(&record, status: 499, snapshot: call.snapshot, stopwatch: call.stopwatch)
    }

    /// Everything decided before anything goes upstream, once the body is complete: inspect,
    /// route, guardrails, dedup, budgets. Either an answer (a refusal or a replay) or a plan to
    /// forward the call.
    func decide(_ call: ProxyCall, body requestBody: ByteBuffer) -> ProxyDecision {
        let route: ProxyRoute
        let provider: Provider
        switch admission(call) {
        case .refused(let refusal): return .respond(refusal)
        case .admitted(let admittedRoute, let admittedProvider): (route, provider) = (admittedRoute, admittedProvider)
        }
        let head = call.head
        let snapshot = call.snapshot
        let stopwatch = call.stopwatch
        let attribution = call.attribution
        let now = call.now
        let id = call.draft.id
        var draft = call.draft

        let facts: RequestFacts
        do {
            facts = try requestBody.withUnsafeReadableBytes { bytes in
                try RequestInspector.inspect(provider: provider, method: head.method, path: route.upstreamPath,
                                             query: head.query, body: bytes)
            }
        } catch {
            return .respond(reject(draft, provider: provider, status: 400, code: "invalid_json", blockedBy: "request.invalid_json",
                                   message: "the request body is not valid JSON (\(error))",
                                   snapshot: snapshot, stopwatch: stopwatch, capturing: (head, requestBody)))
        }
        draft.endpoint = facts.endpoint.rawValue
        draft.requestedModel = facts.model
        draft.model = facts.model
        draft.stream = facts.stream
        draft.maxOutputTokens = facts.maxOutputTokens
        draft.sessionID = head.headers.first(name: Self.sessionHeader).flatMap { CallAttribution.clean($0) }

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
                return .respond(reject(draft, provider: provider, status: 400, code: "guardrail", blockedBy: "guardrail:\(blocking.rule)",
                                       message: GuardrailMessages.block(blocking, rules: snapshot.rules.source),
                                       snapshot: snapshot, stopwatch: stopwatch))
            }
        }

        // Dedup: an identical request answered within the TTL is replayed, at no cost. It runs
        // before the budget check because a replay spends nothing.
        var dedupKey: String?
        if snapshot.dedup.enabled, facts.endpoint.isMetered, head.method == "POST" {
            let key = DedupCache.key(provider: provider, method: head.method, path: route.upstreamPath, query: head.query,
                                     model: decision.model, body: requestBody, headers: head.headers)
            if let hit = dedup.lookup(key, ttlSeconds: snapshot.dedup.ttlSeconds) {
                return .respond(replay(hit, draft: draft, snapshot: snapshot, stopwatch: stopwatch))
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
                headers.replaceOrAdd(name: "retry-after", value: String(refusal.retryAfterSeconds))
                return .respond(reject(draft, provider: provider, status: 429, code: "tokenlens_limit", blockedBy: refusal.rule,
                                       message: "TokenLens refused this call: \(refusal.message); try again in \(refusal.retryAfterSeconds) s",
                                       snapshot: snapshot, stopwatch: stopwatch, extraHeaders: headers, capturing: (head, requestBody)))
            case .admitted(let held):
                reservation = held
                draft.rules += held.warnings.map { "warn:\($0.rule)" }
            }
        }

        let analysis = analyze(facts: facts, body: requestBody, draft: &draft)
        return .forward(ForwardPlan(head: head, route: route, provider: provider, facts: facts, body: requestBody,
                                    models: chain, draft: draft, reservation: reservation, dedupKey: dedupKey,
                                    analyze: analysis, snapshot: snapshot, stopwatch: stopwatch,
                                    capture: makeCapture(head: head, route: route, body: requestBody, draft: draft, snapshot: snapshot)))
    }

    static let cacheHeader = "X-TokenLens-Cache"

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
        sink.record(record)
        var headers = hit.headers
        headers.replaceOrAdd(name: Self.requestIDHeader, value: draft.id)
        headers.replaceOrAdd(name: Self.policyHeader, value: snapshot.version)
        headers.replaceOrAdd(name: Self.cacheHeader, value: "HIT")
        return ProxyResponse(status: hit.status, headers: headers, body: .replay(hit.chunks))
    }

    /// The primary model and, if a fallback chain is triggered by it, its fallbacks.
    func attemptModels(primary: String?, snapshot: PolicySnapshot) -> [String?] {
        guard let primary, let chain = snapshot.rules.fallbackChains[primary] else { return [primary] }
        return [primary] + chain.fallbacks.map { snapshot.rules.aliases[$0]?.target ?? $0 }
    }

    /// The upstream request for one attempt: the model swapped in (fallbacks, aliases), the
    /// usage option injected when the client did not ask for it, the client's headers minus
    /// hop-by-hop and TokenLens's own.
    func upstreamRequest(_ plan: ForwardPlan, model: String?, endpoint: UpstreamEndpoint) -> UpstreamRequest {
        var path = plan.route.upstreamPath
        var forwardBody = plan.body
        let facts = plan.facts
        if let model, model != facts.model {
            if plan.provider == .google, let original = facts.model {
                path = path.replacingOccurrences(of: "/models/\(original):", with: "/models/\(model):")
            } else if let range = facts.modelValueRange {
                forwardBody = ByteBuffer(bytes: StreamUsageInjection.replacingModel(in: Array(buffer: plan.body), valueRange: range, with: model))
            }
        }
        let injectUsage = facts.needsInjectedStreamUsage
        if injectUsage {
            forwardBody = ByteBuffer(bytes: StreamUsageInjection.injectIncludeUsage(into: Array(buffer: forwardBody)))
        }
        var uri = endpoint.basePath + path
        if uri.isEmpty { uri = "/" }
        if let query = plan.head.query, !query.isEmpty { uri += "?" + query }
        let method = plan.head.method
        let hasBody = forwardBody.readableBytes > 0 || method == "POST" || method == "PUT" || method == "PATCH"
        return UpstreamRequest(method: method, uri: uri, clientHeaders: plan.head.headers, identityOnly: injectUsage,
                               authority: endpoint.authority, body: hasBody ? forwardBody : nil)
    }

    func recordFailedAttempt(_ record: CallRecord, status: Int, message: String, attempt: Int, clock: Stopwatch, snapshot: PolicySnapshot) {
        var failed = record
        failed.id = "\(record.id).\(attempt)"
        failed.outcome = .upstreamError
        failed.statusCode = status
        failed.errorMessage = message
        failed.latencyMs = clock.elapsedMs
        failed.cost = CostBreakdown()
        sink.record(failed)
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

    func responseHeaders(id: String, snapshot: PolicySnapshot) -> HTTPHeaders {
        CallHeaders(requestID: id, policyVersion: snapshot.version).fields
    }

    /// Answers without calling the provider, in the provider's error shape, and records the call.
    /// `capturing` is the request, when its body was read, for request logging.
    func reject(_ draft: CallRecord, provider: Provider?, status: Int, code: String, blockedBy: String, message: String,
                snapshot: PolicySnapshot, stopwatch: Stopwatch, extraHeaders: HTTPHeaders? = nil,
                capturing: (head: ProxyRequestHead, body: ByteBuffer)? = nil) -> ProxyResponse {
        var record = draft
        record.outcome = .blocked
        record.blockedBy = blockedBy
        record.errorMessage = message
        finishWithoutUpstream(&record, status: status, snapshot: snapshot, stopwatch: stopwatch)
        let answer = errorAnswer(provider: provider, status: status, message: message, code: code, id: draft.id,
                                 snapshot: snapshot, headers: extraHeaders)
        if let capturing, let route = ProxyRoute(path: capturing.head.path),
           let capture = makeCapture(head: capturing.head, route: route, body: capturing.body, draft: draft, snapshot: snapshot) {
            capture.response(status: status, body: answer.body)
            capture.finish(record)
        }
        return answer.response
    }

    /// An error in the provider's own JSON shape, with TokenLens's id and policy headers; the
    /// body is returned too, for request logging.
    func errorAnswer(provider: Provider?, status: Int, message: String, code: String, id: String, snapshot: PolicySnapshot,
                     headers: HTTPHeaders? = nil) -> (response: ProxyResponse, body: String) {
        var headers = headers ?? responseHeaders(id: id, snapshot: snapshot)
        headers.replaceOrAdd(name: "content-type", value: "application/json")
        let body = ProviderErrorBody.json(provider: provider, status: status, message: message, code: code)
        return (ProxyResponse(status: status, headers: headers, body: .complete(body)), body)
    }

    /// A capture of this call's bodies when request logging is on, else nil (nothing copied).
    func makeCapture(head: ProxyRequestHead, route: ProxyRoute, body: ByteBuffer, draft: CallRecord,
                     snapshot: PolicySnapshot) -> ExchangeCapture? {
        guard snapshot.logging.enabled, let capture else { return nil }
        return ExchangeCapture(limit: snapshot.logging.maxBodyBytes, sink: capture, callID: draft.id,
                               timestampMicros: draft.timestampMicros, method: head.method, path: route.upstreamPath,
                               query: head.query, requestHeaders: head.headers, requestBody: body)
    }

    func finishWithoutUpstream(_ record: inout CallRecord, status: Int, snapshot: PolicySnapshot, stopwatch: Stopwatch,
                                       upstreamMs: Double = 0, analyze: RecordSink.Analysis? = nil) {
        record.statusCode = status
        record.latencyMs = stopwatch.elapsedMs
        record.overheadMs = max(0, record.latencyMs - upstreamMs)
        record.cost = CallFinalizer.price(record: record, prices: snapshot.prices)
        sink.record(record, analyze: analyze)
    }

    /// The prompt analysis, to be worked out by the record sink (off the event loop, after the
    /// client has its answer), and the request's fingerprint for retry-loop detection.
    func analyze(facts: RequestFacts, body: ByteBuffer, draft: inout CallRecord) -> RecordSink.Analysis? {
        guard facts.endpoint.isMetered else { return nil }
        let source = draft.source
        let model = draft.model
        let analyzer = self.analyzer
        draft.fingerprint = RequestFingerprint.of(body: body, model: model, source: source)
        guard let analyzer else { return nil }
        return {
            guard let json = try? body.withUnsafeReadableBytes({ try JSONReader.parse($0) }) else { return nil }
            return analyzer(facts.provider, facts.endpoint, model, json)
        }
    }
}
