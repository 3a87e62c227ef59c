import Providers
import Recorder

/// What the recommendation checks read: the window's usage by provider, source, model,
/// stream, outcome, service tier, pricing and prompt bracket; the right-sizing of each source
/// and model; and the session patterns found in the window.
public struct RecommendationInput: Sendable {
    /// Days the window covers (from its first call to today), for scaling savings to a month.
    public var spanDays: Int
    public var groups: [UsageGroup]
    public var rightSizing: [RightSizing]
    public var patterns: PatternTally
    public var prices: PriceTable

    public init(spanDays: Int, groups: [UsageGroup], rightSizing: [RightSizing] = [], patterns: PatternTally = PatternTally(),
                prices: PriceTable) {
        self.spanDays = spanDays
        self.groups = groups
        self.rightSizing = rightSizing
        self.patterns = patterns
        self.prices = prices
    }

    public init(spanDays: Int, groups: [UsageGroup], rightSizing: [RightSizing] = [], patterns: [SessionPattern],
                prices: PriceTable) {
        self.init(spanDays: spanDays, groups: groups, rightSizing: rightSizing, patterns: PatternTally(patterns), prices: prices)
    }

    /// A window amount scaled to 30 days.
    public func monthly(_ pico: Int64) -> Int64 {
        Int64((Double(pico) * 30 / Double(max(spanDays, 1))).rounded())
    }

    struct ModelKey: Hashable, Comparable {
        var source: String
        var provider: String
        var model: String?

        static func < (lhs: ModelKey, rhs: ModelKey) -> Bool {
            (lhs.source, lhs.provider, lhs.model ?? "") < (rhs.source, rhs.provider, rhs.model ?? "")
        }
    }

    /// Figures per source, provider and model of the groups that pass `include`.
    func byModel(_ include: (UsageGroup) -> Bool) -> [(key: ModelKey, figures: UsageFigures)] {
        var sums: [ModelKey: UsageFigures] = [:]
        for group in groups where include(group) {
            sums[ModelKey(source: group.source ?? "", provider: group.provider ?? "", model: group.model), default: UsageFigures()]
                += group.figures
        }
        return sums.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The standard rates of a model (short prompt, standard tier), if priced.
    func rates(_ model: String?) -> (price: ModelPrice, rates: Rates)? {
        guard let model, let price = prices.price(for: model), price.isPriced else { return nil }
        return (price, price.rates(promptTokens: 0, serviceTier: nil))
    }
}
