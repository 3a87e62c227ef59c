import Insights
import Synchronization

/// The tallies of the session patterns of completed periods, kept in memory until the
/// period's rollup is rebuilt (its build stamp changes): a 30-day recommendation run then
/// reads raw calls only for the current hour and merges thirty small tallies. Keys are days, or `-1 - day` for "today so far"; only the newest of those is
/// kept, and days more than a year older than the newest are dropped.
final class DayPatternCache: Sendable {
    private let entries = Mutex<[Int64: (stamp: Int64, patterns: PatternTally)]>([:])
    /// The merged tally of a run of completed days (first day, last day + 1), by the hash of
    /// their stamps: a repeated view merges only today's tallies into it.
    private let runs = Mutex<[ClosedRange<Int64>: (stamp: Int, patterns: PatternTally)]>([:])

    func patterns(days: Range<Int64>, stamp: Int) -> PatternTally? {
        guard let run = Self.key(days) else { return nil }
        return runs.withLock { runs in
            guard let entry = runs[run], entry.stamp == stamp else { return nil }
            return entry.patterns
        }
    }

    func store(days: Range<Int64>, stamp: Int, patterns: PatternTally) {
        guard let run = Self.key(days) else { return }
        runs.withLock { runs in
            // A few windows (7, 30, 90 days) are asked for; past a handful, start over.
            if runs.count >= 16, runs[run] == nil { runs.removeAll() }
            runs[run] = (stamp, patterns)
        }
    }

    private static func key(_ days: Range<Int64>) -> ClosedRange<Int64>? {
        days.isEmpty ? nil : days.lowerBound...(days.upperBound - 1)
    }

    func patterns(day: Int64, stamp: Int64) -> PatternTally? {
        entries.withLock { entries in
            guard let entry = entries[day], entry.stamp == stamp else { return nil }
            return entry.patterns
        }
    }

    func store(day: Int64, stamp: Int64, patterns: PatternTally) {
        entries.withLock { entries in
            if day < 0 {
                for key in entries.keys where key < 0 && key != day { entries[key] = nil }
            } else if let newest = entries.keys.max(), newest > day + 400 {
                return
            } else {
                for key in entries.keys where key >= 0 && key < day - 400 { entries[key] = nil }
            }
            entries[day] = (stamp, patterns)
        }
    }
}
