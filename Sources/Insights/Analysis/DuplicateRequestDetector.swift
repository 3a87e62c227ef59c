/// Finds duplicate requests: a successful request whose exact twin (same fingerprint)
/// succeeded less than `windowSeconds` earlier, outside any retry loop. The repeat paid for
/// an answer the client already had.
public struct DuplicateRequestDetector: Sendable {
    public var windowSeconds: Double = 3_600

    public init() {}

    /// One pattern per request that was repeated, listing the first call and its repeats.
    public func detect(in session: CallSession, excluding ignored: Set<String> = []) -> [SessionPattern] {
        let window = Int64(windowSeconds * 1_000_000)
        var runs: [String: [SessionCall]] = [:]
        var finished: [[SessionCall]] = []
        for call in session.calls where !call.failed && !ignored.contains(call.id) {
            guard let fingerprint = call.fingerprint else { continue }
            if let run = runs[fingerprint], let last = run.last, call.timestampMicros - last.timestampMicros > window {
                if run.count > 1 { finished.append(run) }
                runs[fingerprint] = nil
            }
            runs[fingerprint, default: []].append(call)
        }
        finished += runs.values.filter { $0.count > 1 }
        return finished.sorted { $0[0].timestampMicros < $1[0].timestampMicros }.map { run in
            let extra = run.dropFirst().reduce(Int64(0)) { $0 + ($1.costPico ?? 0) }
            return SessionPattern(
                kind: .duplicateRequest, sessionID: session.id, source: run[0].source, callIDs: run.map(\.id),
                timestampMicros: run[0].timestampMicros, extraCostPico: extra,
                figures: [EvidenceFigure("repeats", Double(run.count - 1))],
                detail: "the same successful request was sent \(run.count) times within an hour")
        }
    }
}
