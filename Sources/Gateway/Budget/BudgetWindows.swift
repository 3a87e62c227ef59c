import Foundation

/// The calendar windows limits count in: the current day and month in the configured time
/// zone (default UTC). Keys change when a window rolls over, which is what resets counters.
public struct BudgetWindows: Sendable, Equatable {
    public var dayKey: String
    public var monthKey: String
    /// Microseconds since the epoch at which the current day and month began.
    public var dayStartMicros: Int64
    public var monthStartMicros: Int64
    /// Seconds until the day and the month end (rounded up), for `Retry-After`.
    public var secondsToNextDay: Int
    public var secondsToNextMonth: Int

    public init(now: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let day = calendar.startOfDay(for: now)
        let nextDay = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
        let components = calendar.dateComponents([.year, .month], from: now)
        let month = calendar.date(from: components) ?? day
        let nextMonth = calendar.date(byAdding: .month, value: 1, to: month) ?? nextDay
        let dayParts = calendar.dateComponents([.year, .month, .day], from: now)
        monthKey = Self.padded(components.year ?? 0, 4) + "-" + Self.padded(components.month ?? 0, 2)
        dayKey = monthKey + "-" + Self.padded(dayParts.day ?? 0, 2)
        dayStartMicros = Int64(day.timeIntervalSince1970 * 1_000_000)
        monthStartMicros = Int64(month.timeIntervalSince1970 * 1_000_000)
        secondsToNextDay = max(1, Int(nextDay.timeIntervalSince(now).rounded(.up)))
        secondsToNextMonth = max(1, Int(nextMonth.timeIntervalSince(now).rounded(.up)))
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
    }
}
