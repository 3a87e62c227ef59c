import Foundation

/// One proxied (or blocked) call, as the recorder stores it and the API reports it. Holds no
/// API key and no body: only who called, what for, what it cost and how it went.
public struct CallRecord: Sendable, Equatable {
    public var id: String
    /// Microseconds since the Unix epoch, UTC.
    public var timestampMicros: Int64
    public var provider: String
    public var endpoint: String
    public var requestedModel: String?
    /// The model after routing, refined to the id the provider reported when it did.
    public var model: String?
    public var source: String
    public var tags: [String: String]
    public var stream: Bool
    public var statusCode: Int
    public var outcome: Outcome
    public var blockedBy: String?
    public var usage: Usage
    /// Nil when the model is not in the price table: unpriced, never $0.
    public var cost: CostBreakdown?
    public var latencyMs: Double
    public var ttftMs: Double?
    public var overheadMs: Double
    public var attempts: Int
    public var policyVersion: String
    /// A short reason when the call failed (the provider's error message, or TokenLens's).
    public var errorMessage: String?
    /// Every policy rule that acted on the call, in order (`alias:gpt-4`, `fallback:claude-opus-4-6`,
    /// `warn:source_limit:agent.daily`, ...); `blockedBy` names the one that refused it.
    public var rules: [String] = []
    /// The output cap the request set (for output utilisation), if any.
    public var maxOutputTokens: Int64?
    /// The session the caller named (`X-TokenLens-Session`), if any; sessions are otherwise
    /// inferred from timing.
    public var sessionID: String?
    /// A hash of the request (model, canonical body, source): the same request repeated within
    /// seconds is a retry loop.
    public var fingerprint: String?
    /// Prompt heatmap and waste, when the request was analysed.
    public var analysis: RequestAnalysis?
    /// Guardrail findings that warned (masked samples), e.g. `pii.email: j***@e***.com`.
    public var findings: [String] = []
    /// Reported through `POST /api/ingest` rather than proxied.
    public var ingested = false

    public init(id: String, timestampMicros: Int64, provider: String, endpoint: String,
                requestedModel: String? = nil, model: String? = nil, source: String = "unknown",
                tags: [String: String] = [:], stream: Bool = false, statusCode: Int = 0,
                outcome: Outcome = .ok, blockedBy: String? = nil, usage: Usage = Usage(),
                cost: CostBreakdown? = nil, latencyMs: Double = 0, ttftMs: Double? = nil,
                overheadMs: Double = 0, attempts: Int = 1, policyVersion: String = "",
                errorMessage: String? = nil, rules: [String] = []) {
        self.id = id
        self.timestampMicros = timestampMicros
        self.provider = provider
        self.endpoint = endpoint
        self.requestedModel = requestedModel
        self.model = model
        self.source = source
        self.tags = tags
        self.stream = stream
        self.statusCode = statusCode
        self.outcome = outcome
        self.blockedBy = blockedBy
        self.usage = usage
        self.cost = cost
        self.latencyMs = latencyMs
        self.ttftMs = ttftMs
        self.overheadMs = overheadMs
        self.attempts = attempts
        self.policyVersion = policyVersion
        self.errorMessage = errorMessage
        self.rules = rules
    }

    public var priced: Bool { cost != nil }

    public var costPicodollars: Int64? { cost?.total }

    public var costUSD: Double? { cost.map { Picodollars.usd($0.total) } }

    public var date: Date { Date(timeIntervalSince1970: Double(timestampMicros) / 1_000_000) }
}
