/// Finds token spikes: a call using at least `factor` times the session's median tokens (and
/// at least `minimumExtraTokens` more), in a session of at least `minimumCalls` calls. The
/// extra cost is the call's cost beyond what a median call of it would have cost.
public struct TokenSpikeDetector: Sendable {
    public var factor = 3.0
    public var minimumExtraTokens: Int64 = 5_000
    public var minimumCalls = 5

    public init() {}

    public func detect(in session: CallSession) -> [SessionPattern] {
        let calls = session.calls.filter { !$0.failed }
        guard calls.count >= minimumCalls,
              let median = Statistics.median(calls.map { Double($0.totalTokens) }), median > 0 else { return [] }
        return calls.compactMap { call in
            let tokens = Double(call.totalTokens)
            guard tokens >= factor * median, tokens - median >= Double(minimumExtraTokens) else { return nil }
            let ratio = tokens / median
            let extra = call.costPico.map { Int64((Double($0) * (1 - median / tokens)).rounded()) } ?? 0
            return SessionPattern(
                kind: .tokenSpike, sessionID: session.id, source: call.source, callIDs: [call.id],
                timestampMicros: call.timestampMicros, extraCostPico: extra,
                figures: [EvidenceFigure("tokens", tokens), EvidenceFigure("session_median_tokens", median),
                          EvidenceFigure("ratio", (ratio * 100).rounded() / 100)],
                detail: "\(call.totalTokens) tokens, \((ratio * 10).rounded() / 10)× the session's median of \(Int(median))")
        }
    }
}
