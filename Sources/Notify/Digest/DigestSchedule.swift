import Foundation

/// When the weekly digest goes out: on Sundays, in the budget time zone. The period key is
/// that Sunday's date, so one digest is sent per week however often this is asked.
public enum DigestSchedule {
    public static let markKind = "weekly_digest"

    /// The Sunday's date (`2025-02-02`) when `now` is a Sunday in `timeZone`, else nil.
    public static func duePeriod(now: Date, timeZone: TimeZone) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .year, .month, .day], from: now)
        guard parts.weekday == 1, let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
