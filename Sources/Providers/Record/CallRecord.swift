import Foundation

/// One proxied (or blocked) call, as the recorder stores it and the API reports it. Holds no
/// API key and no body: only who called, what for, what it cost and how it went.
///
/// A value type with its fields in one shared box: a record is handed from the proxy to the
/// finaliser, the recorder's queue, the metrics, the live feed and the database writer, and
/// each hand-over copied two dozen strings, optionals and collections (retained one by one)
/// where it now retains one box. Changing a field copies the box only when it is shared.
public struct CallRecord: Sendable, Equatable {
    /// The stored fields (their `==` is synthesised).
    @usableFromInline
    struct Fields: Equatable {
        @usableFromInline var id: String
        @usableFromInline var timestampMicros: Int64
        @usableFromInline var provider: String
        @usableFromInline var endpoint: String
        @usableFromInline var requestedModel: String?
        @usableFromInline var model: String?
        @usableFromInline var source: String
        @usableFromInline var tags: [String: String]
        @usableFromInline var stream: Bool
        @usableFromInline var statusCode: Int
        @usableFromInline var outcome: Outcome
        @usableFromInline var blockedBy: String?
        @usableFromInline var usage: Usage
        @usableFromInline var cost: CostBreakdown?
        @usableFromInline var latencyMs: Double
        @usableFromInline var ttftMs: Double?
        @usableFromInline var overheadMs: Double
        @usableFromInline var attempts: Int
        @usableFromInline var policyVersion: String
        @usableFromInline var errorMessage: String?
        @usableFromInline var rules: [String] = []
        @usableFromInline var maxOutputTokens: Int64?
        @usableFromInline var sessionID: String?
        @usableFromInline var fingerprint: String?
        @usableFromInline var analysis: RequestAnalysis?
        @usableFromInline var findings: [String] = []
        @usableFromInline var ingested = false
    }

    /// Never mutated while shared: `fields` copies it first, so a box is read-only once a
    /// second record refers to it.
    @usableFromInline
    final class Box: @unchecked Sendable {
        @usableFromInline var fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline var box: Box

    /// The fields for changing, copied out of a shared box first.
    @inlinable
    var fields: Fields {
        get { box.fields }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields
        }
    }

    // One get/_modify pair per field below, written out rather than `@dynamicMemberLookup`
    // over `Fields`, and inlinable: records are read and changed from other modules on the
    // proxy path. A `_modify` that is not inlined there runs as a coroutine whose frame (it
    // holds the nested `fields` access) does not fit the caller's fixed buffer, so every
    // field written from another module cost a malloc and a free.

    public static func == (lhs: CallRecord, rhs: CallRecord) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    @inlinable
    public var id: String {
        get { box.fields.id }
        _modify { yield &fields.id }
    }

    /// Microseconds since the Unix epoch, UTC.
    @inlinable
    public var timestampMicros: Int64 {
        get { box.fields.timestampMicros }
        _modify { yield &fields.timestampMicros }
    }

    @inlinable
    public var provider: String {
        get { box.fields.provider }
        _modify { yield &fields.provider }
    }

    @inlinable
    public var endpoint: String {
        get { box.fields.endpoint }
        _modify { yield &fields.endpoint }
    }

    @inlinable
    public var requestedModel: String? {
        get { box.fields.requestedModel }
        _modify { yield &fields.requestedModel }
    }

    /// The model after routing, refined to the id the provider reported when it did.
    @inlinable
    public var model: String? {
        get { box.fields.model }
        _modify { yield &fields.model }
    }

    @inlinable
    public var source: String {
        get { box.fields.source }
        _modify { yield &fields.source }
    }

    @inlinable
    public var tags: [String: String] {
        get { box.fields.tags }
        _modify { yield &fields.tags }
    }

    @inlinable
    public var stream: Bool {
        get { box.fields.stream }
        _modify { yield &fields.stream }
    }

    @inlinable
    public var statusCode: Int {
        get { box.fields.statusCode }
        _modify { yield &fields.statusCode }
    }

    @inlinable
    public var outcome: Outcome {
        get { box.fields.outcome }
        _modify { yield &fields.outcome }
    }

    @inlinable
    public var blockedBy: String? {
        get { box.fields.blockedBy }
        _modify { yield &fields.blockedBy }
    }

    @inlinable
    public var usage: Usage {
        get { box.fields.usage }
        _modify { yield &fields.usage }
    }

    /// Nil when the model is not in the price table: unpriced, never $0.
    @inlinable
    public var cost: CostBreakdown? {
        get { box.fields.cost }
        _modify { yield &fields.cost }
    }

    @inlinable
    public var latencyMs: Double {
        get { box.fields.latencyMs }
        _modify { yield &fields.latencyMs }
    }

    @inlinable
    public var ttftMs: Double? {
        get { box.fields.ttftMs }
        _modify { yield &fields.ttftMs }
    }

    @inlinable
    public var overheadMs: Double {
        get { box.fields.overheadMs }
        _modify { yield &fields.overheadMs }
    }

    @inlinable
    public var attempts: Int {
        get { box.fields.attempts }
        _modify { yield &fields.attempts }
    }

    @inlinable
    public var policyVersion: String {
        get { box.fields.policyVersion }
        _modify { yield &fields.policyVersion }
    }

    /// A short reason when the call failed (the provider's error message, or TokenLens's).
    @inlinable
    public var errorMessage: String? {
        get { box.fields.errorMessage }
        _modify { yield &fields.errorMessage }
    }

    /// Every policy rule that acted on the call, in order (`alias:gpt-4`, `fallback:claude-opus-4-6`,
    /// `warn:source_limit:agent.daily`, ...); `blockedBy` names the one that refused it.
    @inlinable
    public var rules: [String] {
        get { box.fields.rules }
        _modify { yield &fields.rules }
    }

    /// The output cap the request set (for output utilisation), if any.
    @inlinable
    public var maxOutputTokens: Int64? {
        get { box.fields.maxOutputTokens }
        _modify { yield &fields.maxOutputTokens }
    }

    /// The session the caller named (`X-TokenLens-Session`), if any; sessions are otherwise
    /// inferred from timing.
    @inlinable
    public var sessionID: String? {
        get { box.fields.sessionID }
        _modify { yield &fields.sessionID }
    }

    /// A hash of the request (model, canonical body, source): the same request repeated within
    /// seconds is a retry loop.
    @inlinable
    public var fingerprint: String? {
        get { box.fields.fingerprint }
        _modify { yield &fields.fingerprint }
    }

    /// Prompt heatmap and waste, when the request was analysed.
    @inlinable
    public var analysis: RequestAnalysis? {
        get { box.fields.analysis }
        _modify { yield &fields.analysis }
    }

    /// Guardrail findings that warned (masked samples), e.g. `pii.email: j***@e***.com`.
    @inlinable
    public var findings: [String] {
        get { box.fields.findings }
        _modify { yield &fields.findings }
    }

    /// Reported through `POST /api/ingest` rather than proxied.
    @inlinable
    public var ingested: Bool {
        get { box.fields.ingested }
        _modify { yield &fields.ingested }
    }

    public init(id: String, timestampMicros: Int64, provider: String, endpoint: String,
                requestedModel: String? = nil, model: String? = nil, source: String = "unknown",
                tags: [String: String] = [:], stream: Bool = false, statusCode: Int = 0,
                outcome: Outcome = .ok, blockedBy: String? = nil, usage: Usage = Usage(),
                cost: CostBreakdown? = nil, latencyMs: Double = 0, ttftMs: Double? = nil,
                overheadMs: Double = 0, attempts: Int = 1, policyVersion: String = "",
                errorMessage: String? = nil, rules: [String] = []) {
        box = Box(Fields(id: id, timestampMicros: timestampMicros, provider: provider, endpoint: endpoint,
                         requestedModel: requestedModel, model: model, source: source, tags: tags, stream: stream,
                         statusCode: statusCode, outcome: outcome, blockedBy: blockedBy, usage: usage, cost: cost,
                         latencyMs: latencyMs, ttftMs: ttftMs, overheadMs: overheadMs, attempts: attempts,
                         policyVersion: policyVersion, errorMessage: errorMessage, rules: rules))
    }

    public var priced: Bool { cost != nil }

    public var costPicodollars: Int64? { cost?.total }

    public var costUSD: Double? { cost.map { Picodollars.usd($0.total) } }

    public var date: Date { Date(timeIntervalSince1970: Double(timestampMicros) / 1_000_000) }
}
