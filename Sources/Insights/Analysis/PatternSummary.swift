/// Session patterns of one kind added up for one source, for the pattern-based checks.
struct PatternSummary {
    var source: String
    var count: Int
    var sessions: Int
    var calls: Int
    var extraCostPico: Int64
    /// The calls of the costliest occurrence, then of the next ones, up to ten.
    var exampleCallIDs: [String]
}

/// Session patterns added up per kind and source: what the pattern-based checks read.
/// Tallies of disjoint sets of patterns merge, so a month's tally is the sum of its days'
/// (each computed once and cached), without walking every pattern of the month again.
public struct PatternTally: Sendable {
    static let exampleCalls = 10

    struct Entry: Sendable {
        var count = 0
        var sessions: Set<String> = []
        var calls = 0
        var extraCostPico: Int64 = 0
        /// The costliest patterns' calls, costliest first (ties: the earlier first); ten are
        /// enough for ten example calls, as every pattern has at least one.
        var costliest: [(cost: Int64, callIDs: [String])] = []

        mutating func insert(cost: Int64, callIDs: [String]) {
            let position = costliest.firstIndex { $0.cost < cost } ?? costliest.endIndex
            guard position < PatternTally.exampleCalls else { return }
            costliest.insert((cost, callIDs), at: position)
            if costliest.count > PatternTally.exampleCalls { costliest.removeLast() }
        }
    }

    var entries: [SessionPattern.Kind: [String: Entry]] = [:]

    public init() {}

    public init(_ patterns: [SessionPattern]) {
        for pattern in patterns { add(pattern) }
    }

    public mutating func add(_ pattern: SessionPattern) {
        entries[pattern.kind, default: [:]][pattern.source, default: Entry()].add(pattern)
    }

    /// Adds the tally of patterns found after (or apart from) this one's.
    public mutating func merge(_ other: PatternTally) {
        for (kind, sources) in other.entries {
            for (source, entry) in sources {
                guard var mine = entries[kind]?[source] else {
                    entries[kind, default: [:]][source] = entry
                    continue
                }
                mine.count += entry.count
                mine.sessions.formUnion(entry.sessions)
                mine.calls += entry.calls
                mine.extraCostPico += entry.extraCostPico
                for example in entry.costliest { mine.insert(cost: example.cost, callIDs: example.callIDs) }
                entries[kind]?[source] = mine
            }
        }
    }

    /// Patterns of `kind` per source, sources in name order.
    func summaries(_ kind: SessionPattern.Kind) -> [PatternSummary] {
        guard let sources = entries[kind] else { return [] }
        return sources.keys.sorted().compactMap { source in
            guard let entry = sources[source] else { return nil }
            var examples: [String] = []
            for example in entry.costliest where examples.count < Self.exampleCalls {
                examples += example.callIDs.prefix(Self.exampleCalls - examples.count)
            }
            return PatternSummary(source: source, count: entry.count, sessions: entry.sessions.count, calls: entry.calls,
                                  extraCostPico: entry.extraCostPico, exampleCallIDs: examples)
        }
    }
}

extension PatternTally.Entry {
    mutating func add(_ pattern: SessionPattern) {
        count += 1
        sessions.insert(pattern.sessionID)
        calls += pattern.callIDs.count
        extraCostPico += pattern.extraCostPico
        insert(cost: pattern.extraCostPico, callIDs: pattern.callIDs)
    }
}
