import Recorder

/// A call as session grouping and pattern detection see it.
public struct SessionCall: Sendable, Equatable {
    public var id: String
    /// Microseconds since the Unix epoch, UTC.
    public var timestampMicros: Int64
    public var source: String
    /// The session the caller named, if any.
    public var sessionID: String?
    public var provider: String
    public var model: String?
    /// The call did not succeed (upstream error, blocked, cancelled).
    public var failed: Bool
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var cacheReadTokens: Int64
    public var cacheWriteTokens: Int64
    /// Nil when unpriced.
    public var costPico: Int64?
    public var fingerprint: String?

    public init(id: String, timestampMicros: Int64, source: String, sessionID: String? = nil, provider: String,
                model: String?, failed: Bool = false, inputTokens: Int64 = 0, outputTokens: Int64 = 0,
                cacheReadTokens: Int64 = 0, cacheWriteTokens: Int64 = 0, costPico: Int64? = 0,
                fingerprint: String? = nil) {
        self.id = id
        self.timestampMicros = timestampMicros
        self.source = source
        self.sessionID = sessionID
        self.provider = provider
        self.model = model
        self.failed = failed
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.costPico = costPico
        self.fingerprint = fingerprint
    }

    public var promptTokens: Int64 { inputTokens + cacheReadTokens + cacheWriteTokens }
    public var totalTokens: Int64 { promptTokens + outputTokens }

    /// Share of the prompt read from cache.
    public var cacheReadShare: Double {
        promptTokens == 0 ? 0 : Double(cacheReadTokens) / Double(promptTokens)
    }
}

extension SessionCall {
    /// A stored call as the session analyses read it.
    public init(_ row: SessionCallRow) {
        self.init(id: row.id, timestampMicros: row.timestampMicros, source: row.source, sessionID: row.sessionID,
                  provider: row.provider, model: row.model, failed: row.outcome != "ok" && row.outcome != "guardrail_warned",
                  inputTokens: row.inputTokens, outputTokens: row.outputTokens, cacheReadTokens: row.cacheReadTokens,
                  cacheWriteTokens: row.cacheWriteTokens, costPico: row.costPico, fingerprint: row.fingerprint)
    }
}
