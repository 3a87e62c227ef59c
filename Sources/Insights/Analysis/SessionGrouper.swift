/// Groups calls into sessions. A call that names a session (`X-TokenLens-Session`) belongs to
/// that session whatever the timing; the others are grouped per source, a new session
/// starting after a gap longer than `gapSeconds`.
public struct SessionGrouper: Sendable {
    public var gapSeconds: Double

    public init(gapSeconds: Double = 30 * 60) {
        self.gapSeconds = gapSeconds
    }

    /// Sessions of `calls` (in any order), each with its calls oldest first, ordered by start.
    public func group(_ calls: [SessionCall]) -> [CallSession] {
        let ordered = calls.sorted { ($0.timestampMicros, $0.id) < ($1.timestampMicros, $1.id) }
        let gap = Int64(gapSeconds * 1_000_000)
        var explicit: [String: [SessionCall]] = [:]
        var open: [String: [SessionCall]] = [:]
        var sessions: [CallSession] = []
        for call in ordered {
            if let id = call.sessionID, !id.isEmpty {
                explicit[id, default: []].append(call)
                continue
            }
            if let current = open[call.source], let last = current.last, call.timestampMicros - last.timestampMicros > gap {
                sessions.append(Self.inferred(current))
                open[call.source] = nil
            }
            open[call.source, default: []].append(call)
        }
        sessions += open.values.map(Self.inferred)
        sessions += explicit.map { CallSession(id: $0.key, explicit: true, calls: $0.value) }
        return sessions.sorted { ($0.startMicros, $0.id) < ($1.startMicros, $1.id) }
    }

    static func inferred(_ calls: [SessionCall]) -> CallSession {
        CallSession(id: "\(calls.first?.source ?? "")@\(calls.first?.id ?? "")", explicit: false, calls: calls)
    }
}
