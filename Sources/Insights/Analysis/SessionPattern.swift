/// A pattern in a session that costs money without helping (tokmon's warnings), with the
/// calls that show it.
public struct SessionPattern: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The same request sent again and again within seconds.
        case retryLoop = "retry_loop"
        /// Cache reads fell to zero after being high: the prompt prefix changed or expired.
        case cacheBreak = "cache_break"
        /// A call far larger than the session's usual call.
        case tokenSpike = "token_spike"
        /// A successful request sent again within the hour (outside a retry loop): a cached
        /// answer (dedup) would have served it for free.
        case duplicateRequest = "duplicate_request"
    }

    public var kind: Kind
    public var sessionID: String
    public var source: String
    /// The model of the pattern's first call.
    public var model: String?
    public var callIDs: [String]
    /// When the pattern was seen (its first call).
    public var timestampMicros: Int64
    /// Its last call.
    public var lastTimestampMicros: Int64
    /// What the pattern cost beyond a healthy session, where that can be told (picodollars).
    public var extraCostPico: Int64
    public var figures: [EvidenceFigure]
    public var detail: String

    public init(kind: Kind, sessionID: String, source: String, model: String? = nil, callIDs: [String],
                timestampMicros: Int64, lastTimestampMicros: Int64? = nil, extraCostPico: Int64,
                figures: [EvidenceFigure], detail: String) {
        self.kind = kind
        self.sessionID = sessionID
        self.source = source
        self.model = model
        self.callIDs = callIDs
        self.timestampMicros = timestampMicros
        self.lastTimestampMicros = lastTimestampMicros ?? timestampMicros
        self.extraCostPico = extraCostPico
        self.figures = figures
        self.detail = detail
    }
}
