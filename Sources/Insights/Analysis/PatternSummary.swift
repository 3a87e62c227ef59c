/// Session patterns of one kind added up per source, for the pattern-based checks.
struct PatternSummary {
    var source: String
    var count: Int
    var sessions: Int
    var calls: Int
    var extraCostPico: Int64
    /// The calls of the costliest occurrence, then of the next ones, up to ten.
    var exampleCallIDs: [String]

    static func bySource(_ patterns: [SessionPattern], kind: SessionPattern.Kind) -> [PatternSummary] {
        var bySource: [String: [SessionPattern]] = [:]
        for pattern in patterns where pattern.kind == kind { bySource[pattern.source, default: []].append(pattern) }
        return bySource.keys.sorted().compactMap { source in
            guard let found = bySource[source] else { return nil }
            var examples: [String] = []
            for pattern in found.sorted(by: { $0.extraCostPico > $1.extraCostPico }) where examples.count < 10 {
                examples += pattern.callIDs.prefix(10 - examples.count)
            }
            return PatternSummary(
                source: source, count: found.count, sessions: Set(found.map(\.sessionID)).count,
                calls: found.reduce(0) { $0 + $1.callIDs.count },
                extraCostPico: found.reduce(0) { $0 + $1.extraCostPico },
                exampleCallIDs: examples)
        }
    }
}
