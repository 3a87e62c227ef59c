import Foundation
import Insights
import Recorder

/// The weekly digest (`weekly_digest` webhook, `tokenlens report`, `GET /api/digest`): spend
/// over the last `days` days and the same span before, the top sources and models, prompt
/// waste, retry loops and where the month is heading against the budget. Money in picodollars.
public struct WeeklyDigest: Sendable {
    public var generatedAt: Date
    public var days: Int
    public var fromMicros: Int64
    public var toMicros: Int64
    public var totals: UsageTotals
    /// The `days` days before the window, for the change.
    public var previousTotals: UsageTotals
    public var daily: [DailyUsage]
    public var sourceCount: Int
    public var topSources: [SourceUsage]
    public var modelCount: Int
    public var topModels: [ModelUsage]
    public var waste: WasteTotals
    public var retryLoops: [SessionPattern]
    public var unpricedModels: [String]
    public var budget: BudgetProjection

    /// Relative change of spend against the previous window, in percent; nil when there was none.
    public var changePercent: Double? {
        guard previousTotals.costPico > 0 else { return nil }
        return (Double(totals.costPico) - Double(previousTotals.costPico)) / Double(previousTotals.costPico) * 100
    }
}

/// Where the month is heading: spend so far (budget time zone) plus the window's daily
/// average for each day left, against the configured caps.
public struct BudgetProjection: Sendable, Equatable {
    public var timeZone: String
    public var month: String
    public var todayPico: Int64
    public var monthToDatePico: Int64
    public var dailyAveragePico: Int64
    /// Whole days of the month after today.
    public var daysLeft: Int
    public var budgetEnabled: Bool
    public var dailyLimitPico: Int64?
    public var monthlyLimitPico: Int64?

    public var projectedMonthPico: Int64 { monthToDatePico + dailyAveragePico * Int64(daysLeft) }

    /// Whether the projection passes the monthly cap; nil without one.
    public var projectedOverLimit: Bool? {
        monthlyLimitPico.map { projectedMonthPico > $0 }
    }
}
