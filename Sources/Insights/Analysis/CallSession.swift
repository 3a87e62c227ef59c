/// Calls grouped into one working session: by the session id the caller named, else by
/// source with a quiet gap starting a new session.
public struct CallSession: Sendable, Equatable {
    /// The caller's session id, or `<source>@<first call id>` for an inferred session.
    public var id: String
    public var explicit: Bool
    public var source: String
    /// Every source seen in the session (an explicit session may span several).
    public var sources: [String]
    public var calls: [SessionCall]
    public var patterns: [SessionPattern] = []

    public init(id: String, explicit: Bool, calls: [SessionCall]) {
        self.id = id
        self.explicit = explicit
        self.calls = calls
        self.source = calls.first?.source ?? ""
        self.sources = Array(Set(calls.map(\.source))).sorted()
    }

    public var startMicros: Int64 { calls.first?.timestampMicros ?? 0 }
    public var endMicros: Int64 { calls.last?.timestampMicros ?? 0 }
    public var durationSeconds: Double { Double(endMicros - startMicros) / 1_000_000 }
    public var costPico: Int64 { calls.reduce(0) { $0 + ($1.costPico ?? 0) } }
    public var unpricedCalls: Int { calls.filter { $0.costPico == nil }.count }
    public var failedCalls: Int { calls.filter(\.failed).count }
    public var inputTokens: Int64 { calls.reduce(0) { $0 + $1.inputTokens } }
    public var outputTokens: Int64 { calls.reduce(0) { $0 + $1.outputTokens } }
    public var cacheReadTokens: Int64 { calls.reduce(0) { $0 + $1.cacheReadTokens } }
    public var cacheWriteTokens: Int64 { calls.reduce(0) { $0 + $1.cacheWriteTokens } }
    public var models: [String] { Array(Set(calls.compactMap(\.model))).sorted() }

    public var cacheHitRate: Double {
        let prompt = inputTokens + cacheReadTokens + cacheWriteTokens
        return prompt == 0 ? 0 : Double(cacheReadTokens) / Double(prompt)
    }
}
