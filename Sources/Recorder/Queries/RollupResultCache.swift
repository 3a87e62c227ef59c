import Synchronization

/// Results of queries over completed days' rollups, kept while those days' rollups are
/// unchanged (the hash of their build stamps): a completed day changes only when it is rebuilt,
/// so a repeated view reads only today's hours and the current hour again.
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
