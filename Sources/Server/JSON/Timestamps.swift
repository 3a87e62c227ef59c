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
        var text = ""
        text.reserveCapacity(24)
        pad(year, 4, &text); text += "-"; pad(month, 2, &text); text += "-"; pad(day, 2, &text)
        text += "T"; pad(secondOfDay / 3600, 2, &text); text += ":"; pad(secondOfDay / 60 % 60, 2, &text)
        text += ":"; pad(secondOfDay % 60, 2, &text); text += "."; pad(millis, 3, &text); text += "Z"
        return text
    }

    /// Zero-padded decimal, without `String(format:)` (which goes through NSString).
    static func pad(_ value: Int, _ width: Int, _ text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
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
