/// Finds retry loops: the same request (fingerprint) sent at least `minimumRepeats` times,
/// each within `windowSeconds` of the one before. Every send after the first is extra cost.
public struct RetryLoopDetector: Sendable {
    public static let defaultWindowSeconds = 10.0
    public static let defaultMinimumRepeats = 3

    public var windowSeconds = defaultWindowSeconds
    public var minimumRepeats = defaultMinimumRepeats

    public init(windowSeconds: Double = defaultWindowSeconds, minimumRepeats: Int = defaultMinimumRepeats) {
        self.windowSeconds = windowSeconds
        self.minimumRepeats = minimumRepeats
    }

    /// The retry loops among `calls` of any sessions, oldest first.
    public func loops(in calls: [SessionCall]) -> [SessionPattern] {
        SessionGrouper().group(calls).flatMap(detect(in:)).sorted { $0.timestampMicros < $1.timestampMicros }
    }

    public func detect(in session: CallSession) -> [SessionPattern] {
        let window = Int64(windowSeconds * 1_000_000)
        var chains: [String: [SessionCall]] = [:]
        var loops: [[SessionCall]] = []
        for call in session.calls {
            guard let fingerprint = call.fingerprint else { continue }
            if let chain = chains[fingerprint], let last = chain.last, call.timestampMicros - last.timestampMicros > window {
                if chain.count >= minimumRepeats { loops.append(chain) }
                chains[fingerprint] = nil
            }
            chains[fingerprint, default: []].append(call)
        }
        loops += chains.values.filter { $0.count >= minimumRepeats }
        return loops.sorted { $0[0].timestampMicros < $1[0].timestampMicros }.map { chain in
            let extra = chain.dropFirst().reduce(Int64(0)) { $0 + ($1.costPico ?? 0) }
            let span = Double(chain[chain.count - 1].timestampMicros - chain[0].timestampMicros) / 1_000_000
            let failed = chain.filter(\.failed).count
            return SessionPattern(
                kind: .retryLoop, sessionID: session.id, source: chain[0].source, model: chain[0].model,
                callIDs: chain.map(\.id), timestampMicros: chain[0].timestampMicros,
                lastTimestampMicros: chain[chain.count - 1].timestampMicros, extraCostPico: extra,
                figures: [EvidenceFigure("repeats", Double(chain.count)), EvidenceFigure("span_s", span),
                          EvidenceFigure("failed", Double(failed))],
                detail: "the same request was sent \(chain.count) times in \(Self.seconds(span))")
        }
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? "\((value * 10).rounded() / 10) s" : "\(Int(value.rounded())) s"
    }
}
