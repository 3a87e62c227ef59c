import Recorder

/// The weekly digest: spend of the period against the period before, the sources and models
/// that spent most, waste and caching, the month's projection against the budget, and the
/// largest recommendations.
public struct SpendDigest: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var costPico: Int64
        public var calls: Int64
        public var share: Double
        public var previousCostPico: Int64
    }

    public var days: Int
    public var current: UsageFigures
    public var previous: UsageFigures
    public var changePico: Int64
    /// Relative change of spend; nil when the previous period spent nothing.
    public var changeShare: Double?
    public var topSources: [Entry]
    public var topModels: [Entry]
    public var forecast: SpendForecast
    public var monthlyBudgetPico: Int64?
    public var recommendations: [Recommendation]
    public var anomalies: Int

    /// - Parameters:
    ///   - sources/models: figures of the current period and the one before, per name.
    public static func build(days: Int, current: UsageFigures, previous: UsageFigures,
                             sources: [String: (current: UsageFigures, previous: UsageFigures)],
                             models: [String: (current: UsageFigures, previous: UsageFigures)],
                             forecast: SpendForecast, monthlyBudgetPico: Int64?, recommendations: [Recommendation],
                             anomalies: Int, top: Int = 5) -> SpendDigest {
        func entries(_ figures: [String: (current: UsageFigures, previous: UsageFigures)]) -> [Entry] {
            figures.filter { $0.value.current.calls > 0 }
                .map { name, pair in
                    Entry(name: name, costPico: pair.current.costPico, calls: pair.current.calls,
                          share: current.costPico == 0 ? 0 : Double(pair.current.costPico) / Double(current.costPico),
                          previousCostPico: pair.previous.costPico)
                }
                .sorted { ($0.costPico, $0.calls, $1.name) > ($1.costPico, $1.calls, $0.name) }
                .prefix(top).map { $0 }
        }
        let change = current.costPico - previous.costPico
        return SpendDigest(
            days: days, current: current, previous: previous, changePico: change,
            changeShare: previous.costPico == 0 ? nil : Double(change) / Double(previous.costPico),
            topSources: entries(sources), topModels: entries(models), forecast: forecast,
            monthlyBudgetPico: monthlyBudgetPico, recommendations: Array(recommendations.prefix(3)), anomalies: anomalies)
    }
}
