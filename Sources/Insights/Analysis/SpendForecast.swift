/// The projected spend of the current month: what is spent so far plus a least-squares trend
/// of recent complete days carried to the month's end. Money in picodollars.
///
/// Confidence (0–1) is the fit quality (1 minus the residuals' spread relative to the mean
/// daily spend, floored at 0) times the data coverage (days of trend data over `fullTrendDays`):
/// a steady history of two weeks gives 1, a noisy one or a few days give less.
public struct SpendForecast: Sendable, Equatable {
    public var daysInMonth: Int
    public var dayOfMonth: Int
    public var spendToDate: Int64
    public var spendToday: Int64
    /// Mean spend of the complete days used for the trend.
    public var dailyAverage: Double
    /// Trend line over the recent complete days, x = days relative to today (today = 0).
    public var slopePerDay: Double
    public var trendToday: Double
    public var trendDays: Int
    public var rSquared: Double
    public var direction: TrendDirection
    public var projectedMonth: Int64
    /// What the projection adds to the spend so far.
    public var projectedRemaining: Int64
    public var confidence: Double

    public static let fullTrendDays = 14

    /// - Parameters:
    ///   - spendToDate: this month's spend up to now, today included.
    ///   - spendToday: today's spend so far.
    ///   - recentDays: spend of the complete days before today, oldest first (the last
    ///     `fullTrendDays` are used; they may reach into the previous month).
    ///   - todayElapsed: the share of today already past (0...1).
    public static func forecast(daysInMonth: Int, dayOfMonth: Int, spendToDate: Int64, spendToday: Int64,
                                recentDays: [Int64], todayElapsed: Double) -> SpendForecast {
        let days = Array(recentDays.suffix(fullTrendDays))
        let points = days.enumerated().map { (x: Double($0.offset - days.count), y: Double($0.element)) }
        let average = Statistics.mean(points.map(\.y))
        let fit = LinearFit(points)
        let elapsed = min(max(todayElapsed, 0), 1)
        // The daily rate the projection carries forward: the trend line, or with too few
        // days for a line, their average (or today's pace when there is nothing else).
        let rate: (Double) -> Double
        if let fit {
            rate = { max(0, fit.predict($0)) }
        } else if !days.isEmpty {
            rate = { _ in average }
        } else if elapsed > 0 {
            let pace = Double(spendToday) / elapsed
            rate = { _ in pace }
        } else {
            rate = { _ in 0 }
        }
        var remaining = rate(0) * (1 - elapsed)
        if dayOfMonth < daysInMonth {
            for offset in 1...(daysInMonth - dayOfMonth) { remaining += rate(Double(offset)) }
        }
        let quality: Double
        if let fit {
            quality = average > 0 ? max(0, 1 - fit.residualStandardDeviation / average) : (fit.residualStandardDeviation == 0 ? 1 : 0)
        } else {
            quality = 0
        }
        let coverage = min(1, Double(days.count) / Double(fullTrendDays))
        let projectedRemaining = Int64(remaining.rounded())
        return SpendForecast(
            daysInMonth: daysInMonth, dayOfMonth: dayOfMonth, spendToDate: spendToDate, spendToday: spendToday,
            dailyAverage: average, slopePerDay: fit?.slope ?? 0, trendToday: rate(0), trendDays: days.count,
            rSquared: fit?.rSquared ?? 0,
            direction: TrendDirection.of(fit, span: Double(max(days.count - 1, 1)), scale: average, threshold: 0.1),
            projectedMonth: spendToDate + projectedRemaining, projectedRemaining: projectedRemaining,
            confidence: quality * coverage)
    }
}
