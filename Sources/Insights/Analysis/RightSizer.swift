import Providers
import Recorder

/// Successful analysed calls of one source and model at one complexity score, in one service
/// tier and prompt bracket.
public struct ComplexityGroup: Sendable, Equatable {
    public var complexity: Int
    public var group: UsageGroup

    public init(complexity: Int, group: UsageGroup) {
        self.complexity = complexity
        self.group = group
    }
}

/// Right-sizing of one source's use of one model: how complex its calls are, and the
/// cheapest-to-run model of the same provider trusted with that complexity, with what the
/// same calls would have cost on it (re-priced exactly from their tokens).
public struct RightSizing: Sendable, Equatable {
    public struct Suggestion: Sendable, Equatable {
        public var model: String
        public var maxComplexity: Int
        public var costPico: Int64
        public var savingPico: Int64
    }

    public var source: String
    public var provider: String
    public var model: String?
    public var calls: Int64
    /// Calls per complexity score 0...9.
    public var histogram: [Int64]
    public var p50: Int
    public var p90: Int
    public var max: Int
    /// Recorded cost of the priced calls.
    public var costPico: Int64
    public var unpricedCalls: Int64
    public var suggestion: Suggestion?

    /// Calls scored 0–3.
    public var simpleCalls: Int64 { histogram.prefix(4).reduce(0, +) }
}

public struct RightSizer: Sendable {
    public var ladder: ModelLadder
    /// Suggest a model only when it handles this share of the calls (by complexity).
    public var coverage = 0.9

    public init(ladder: ModelLadder = .standard) {
        self.ladder = ladder
    }

    public func analyze(_ groups: [ComplexityGroup], prices: PriceTable) -> [RightSizing] {
        struct Key: Hashable { var source: String; var provider: String; var model: String? }
        var byKey: [Key: [ComplexityGroup]] = [:]
        for entry in groups {
            let key = Key(source: entry.group.source ?? "", provider: entry.group.provider ?? "", model: entry.group.model)
            byKey[key, default: []].append(entry)
        }
        return byKey.map { key, entries in
            var histogram = [Int64](repeating: 0, count: 10)
            for entry in entries { histogram[Swift.min(Swift.max(entry.complexity, 0), 9)] += entry.group.figures.calls }
            let calls = histogram.reduce(0, +)
            let priced = entries.filter { $0.group.priced == true }
            let cost = priced.reduce(Int64(0)) { $0 + $1.group.figures.costPico }
            let unpriced = entries.filter { $0.group.priced != true }.reduce(Int64(0)) { $0 + $1.group.figures.calls }
            let p90 = Self.percentile(histogram, coverage)
            var result = RightSizing(
                source: key.source, provider: key.provider, model: key.model, calls: calls, histogram: histogram,
                p50: Self.percentile(histogram, 0.5), p90: p90, max: histogram.lastIndex { $0 > 0 } ?? 0,
                costPico: cost, unpricedCalls: unpriced, suggestion: nil)
            // Only a fully priced model has a cost to compare against.
            guard unpriced == 0, !priced.isEmpty, let current = key.model.flatMap({ prices.price(for: $0) }) else {
                return result
            }
            for rung in ladder.rungs(for: key.provider) where p90 <= rung.maxComplexity {
                guard let price = prices.price(for: rung.model), price.isPriced, price.id != current.id else { continue }
                var candidate: Int64 = 0
                var complete = true
                for entry in priced {
                    guard let repriced = Repricer.cost(of: entry.group, at: price) else { complete = false; break }
                    candidate += repriced.total
                }
                let saving = cost - candidate
                guard complete, saving > 0, saving > (result.suggestion?.savingPico ?? 0) else { continue }
                result.suggestion = RightSizing.Suggestion(model: rung.model, maxComplexity: rung.maxComplexity,
                                                           costPico: candidate, savingPico: saving)
            }
            return result
        }.sorted { ($0.suggestion?.savingPico ?? 0, $0.costPico) > ($1.suggestion?.savingPico ?? 0, $1.costPico) }
    }

    /// The complexity at or below which `share` of the calls fall.
    static func percentile(_ histogram: [Int64], _ share: Double) -> Int {
        let total = histogram.reduce(0, +)
        guard total > 0 else { return 0 }
        let needed = Int64((Double(total) * share).rounded(.up))
        var seen: Int64 = 0
        for (score, count) in histogram.enumerated() {
            seen += count
            if seen >= needed { return score }
        }
        return histogram.count - 1
    }
}
