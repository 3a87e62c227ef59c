import Foundation

/// A span of whole calendar days ending today, in UTC: what `?days=N` means everywhere.
public struct TimeWindow: Sendable, Equatable {
    public var days: Int
    public var startMicros: Int64
    public var endMicros: Int64

    /// The last `days` calendar days including today (`days` is clamped to 1...3660).
    public init(days: Int, now: Date = Date()) {
        let days = min(max(days, 1), 3660)
        let startOfToday = (Int64(now.timeIntervalSince1970) / 86_400) * 86_400
        self.days = days
        self.startMicros = (startOfToday - Int64(days - 1) * 86_400) * 1_000_000
        self.endMicros = (startOfToday + 86_400) * 1_000_000
    }

    /// `YYYY-MM-DD` for each day of the window, oldest first.
    public var dayLabels: [String] {
        (0..<days).map { TimeWindow.dayLabel(micros: startMicros + Int64($0) * 86_400_000_000) }
    }

    static func dayLabel(micros: Int64) -> String {
        let days = Int(micros / 86_400_000_000)
        // Civil-from-days (Howard Hinnant), avoiding Calendar for speed and determinism.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
