import Foundation

/// RFC 3339 UTC timestamps with millisecond precision, formatted without `DateFormatter`
/// (which is slow and locale-sensitive).
enum Timestamps {
    static func rfc3339(micros: Int64) -> String {
        let totalMillis = micros / 1000
        let seconds = totalMillis / 1000
        let millis = Int(totalMillis % 1000)
        let days = Int(seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        let (year, month, day) = civil(days: days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day,
                      secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, millis)
    }

    static func rfc3339(_ date: Date) -> String {
        rfc3339(micros: Int64(date.timeIntervalSince1970 * 1_000_000))
    }

    /// Days since 1970-01-01 → (year, month, day), Howard Hinnant's algorithm.
    static func civil(days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
