/// What `/api/usage/breakdown` groups calls by.
public enum SeriesDimension: String, Sendable, CaseIterable {
    case source
    case model
    case provider

    /// The SQL expression of the group key; calls with no model group under "".
    var keyExpression: String {
        switch self {
        case .source: "source"
        case .model: "COALESCE(model, requested_model, '')"
        case .provider: "provider"
        }
    }
}

/// One group of a breakdown: its totals over the window and its cost and calls per day (one
/// entry per day of the window, oldest first), for a table row with a sparkline.
public struct UsageSeries: Sendable, Equatable {
    public var key: String
    /// The provider, when the group has exactly one (always for `provider`, usually for `model`).
    public var provider: String?
    public var totals: UsageTotals
    public var lastSeenMicros: Int64
    public var dailyCostPico: [Int64]
    public var dailyCalls: [Int64]
}
