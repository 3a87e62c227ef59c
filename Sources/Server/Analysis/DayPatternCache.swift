import Insights
import Synchronization

/// Session patterns of completed days, kept in memory until the day's rollup is rebuilt (its
/// build stamp changes): a 30-day recommendation run then reads raw calls only for today.
final class DayPatternCache: Sendable {
    private let days = Mutex<[Int64: (stamp: Int64, patterns: [SessionPattern])]>([:])

    func patterns(day: Int64, stamp: Int64) -> [SessionPattern]? {
        days.withLock { entries in
            guard let entry = entries[day], entry.stamp == stamp else { return nil }
            return entry.patterns
        }
    }

    func store(day: Int64, stamp: Int64, patterns: [SessionPattern]) {
        days.withLock { $0[day] = (stamp, patterns) }
    }
}
