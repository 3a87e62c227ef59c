import Synchronization

/// Answers of queries over a window's completed days, kept while those days are unchanged (a
/// stamp: the hash of the days' rollup build times, or of their versions): a completed day
/// changes only when a call of it is written, pruned or rolled up again, so a repeated view
/// reads only today.
final class RollupResultCache: Sendable {
    static let capacity = 256

    private let entries = Mutex<[String: (stamp: Int, value: any Sendable)]>([:])

    func value<Value: Sendable>(_ key: String, stamp: Int) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.stamp == stamp else { return nil }
            return entry.value as? Value
        }
    }

    func store(_ key: String, stamp: Int, value: some Sendable) {
        entries.withLock { entries in
            // Views are few (a handful of groupings per endpoint); past the bound, start over.
            if entries.count >= Self.capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = (stamp, value)
        }
    }
}
