/// What retention removes (a dry run) or removed: calls older than the first of the last
/// `retentionDays` UTC calendar days (today included), day by day.
public struct PruneReport: Sendable, Equatable {
    /// One UTC day whose calls are (or were) pruned into rollups.
    public struct Day: Sendable, Equatable {
        public var date: String
        public var calls: Int64
        public var costPico: Int64
    }

    public var retentionDays: Int
    /// Calls before this instant (microseconds since the epoch) are pruned.
    public var cutoffMicros: Int64
    public var days: [Day]
    public var requestLogs: Int64
    /// False for a dry run.
    public var applied: Bool

    public var calls: Int64 { days.reduce(0) { $0 + $1.calls } }
    public var costPico: Int64 { days.reduce(0) { $0 + $1.costPico } }
}
