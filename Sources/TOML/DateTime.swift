/// A calendar date without time zone (`1979-05-27`). `text` keeps the source spelling so a
/// document edit can write the value back unchanged; equality compares components only.
public struct LocalDate: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int
    /// The spelling used in the source, or the canonical one for constructed values.
    public private(set) var text: String

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.text = ""
        self.text = canonicalText
    }

    init(year: Int, month: Int, day: Int, text: String) {
        self.year = year
        self.month = month
        self.day = day
        self.text = text
    }

    /// `YYYY-MM-DD`.
    public var canonicalText: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
    public var description: String { canonicalText }

    public static func == (lhs: LocalDate, rhs: LocalDate) -> Bool {
        lhs.year == rhs.year && lhs.month == rhs.month && lhs.day == rhs.day
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(year)
        hasher.combine(month)
        hasher.combine(day)
    }
}

/// A wall-clock time without date or zone (`07:32:00.999`). Fractional seconds are kept to
/// nanoseconds; further digits are truncated, as TOML permits.
public struct LocalTime: Sendable, Hashable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int
    public let second: Int
    public let nanosecond: Int
    public private(set) var text: String

    public init(hour: Int, minute: Int, second: Int, nanosecond: Int = 0) {
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.text = ""
        self.text = canonicalText
    }

    init(hour: Int, minute: Int, second: Int, nanosecond: Int, text: String) {
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.text = text
    }

    /// `HH:MM:SS` plus the fraction without trailing zeros, if any.
    public var canonicalText: String {
        var result = "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if nanosecond > 0 {
            var digits = pad(nanosecond, 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            result += "." + digits
        }
        return result
    }

    public var description: String { canonicalText }

    public static func == (lhs: LocalTime, rhs: LocalTime) -> Bool {
        lhs.hour == rhs.hour && lhs.minute == rhs.minute && lhs.second == rhs.second
            && lhs.nanosecond == rhs.nanosecond
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hour)
        hasher.combine(minute)
        hasher.combine(second)
        hasher.combine(nanosecond)
    }
}

/// A date and time without zone (`1979-05-27T07:32:00`).
public struct LocalDateTime: Sendable, Hashable, CustomStringConvertible {
    public let date: LocalDate
    public let time: LocalTime
    public private(set) var text: String

    public init(date: LocalDate, time: LocalTime) {
        self.date = date
        self.time = time
        self.text = ""
        self.text = canonicalText
    }

    init(date: LocalDate, time: LocalTime, text: String) {
        self.date = date
        self.time = time
        self.text = text
    }

    public var canonicalText: String { date.canonicalText + "T" + time.canonicalText }
    public var description: String { canonicalText }

    public static func == (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.date == rhs.date && lhs.time == rhs.time
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(date)
        hasher.combine(time)
    }
}

/// An instant written with its UTC offset (`1979-05-27T07:32:00-07:00`). `Z` and `+00:00`
/// are the same value; equality compares the written components, not the instant.
public struct OffsetDateTime: Sendable, Hashable, CustomStringConvertible {
    public let date: LocalDate
    public let time: LocalTime
    /// Offset from UTC in minutes; 0 for `Z`.
    public let offsetMinutes: Int
    public private(set) var text: String

    public init(date: LocalDate, time: LocalTime, offsetMinutes: Int) {
        self.date = date
        self.time = time
        self.offsetMinutes = offsetMinutes
        self.text = ""
        self.text = canonicalText
    }

    init(date: LocalDate, time: LocalTime, offsetMinutes: Int, text: String) {
        self.date = date
        self.time = time
        self.offsetMinutes = offsetMinutes
        self.text = text
    }

    /// RFC 3339 with `Z` for a zero offset.
    public var canonicalText: String {
        var result = date.canonicalText + "T" + time.canonicalText
        if offsetMinutes == 0 {
            result += "Z"
        } else {
            let magnitude = abs(offsetMinutes)
            result += (offsetMinutes < 0 ? "-" : "+") + pad(magnitude / 60, 2) + ":" + pad(magnitude % 60, 2)
        }
        return result
    }

    public var description: String { canonicalText }

    public static func == (lhs: OffsetDateTime, rhs: OffsetDateTime) -> Bool {
        lhs.date == rhs.date && lhs.time == rhs.time && lhs.offsetMinutes == rhs.offsetMinutes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(date)
        hasher.combine(time)
        hasher.combine(offsetMinutes)
    }
}

/// Zero-padded decimal, used by the canonical spellings above.
private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// Number of days in `month` of `year` in the proleptic Gregorian calendar.
func daysInMonth(_ month: Int, year: Int) -> Int {
    switch month {
    case 2:
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Recognises the four TOML date/time forms in a token of bytes. Returns the value or a
/// message explaining which field is wrong.
enum DateTimeParser {
    enum Outcome {
        case value(TOMLValue)
        case invalid(String)
    }

    static func parse(_ token: UnsafeBufferPointer<UInt8>.SubSequence) -> Outcome {
        let bytes = Array(token)
        let text = String(decoding: bytes, as: UTF8.self)
        let n = bytes.count

        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= n else { return nil }
            var value = 0
            for index in start..<(start + count) {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }

        func byte(_ index: Int) -> UInt8? { index < n ? bytes[index] : nil }

        func parseTime(_ start: Int) -> Result<(LocalTime, Int), TimeIssue> {
            guard let hour = number(start, 2), byte(start + 2) == UInt8(ascii: ":"),
                  let minute = number(start + 3, 2), byte(start + 5) == UInt8(ascii: ":"),
                  let second = number(start + 6, 2)
            else { return .failure(.shape) }
            guard hour < 24 else { return .failure(.range("hour \(hour) is out of range (00-23)")) }
            guard minute < 60 else { return .failure(.range("minute \(minute) is out of range (00-59)")) }
            guard second <= 60 else { return .failure(.range("second \(second) is out of range (00-60)")) }
            var index = start + 8
            var nanosecond = 0
            if byte(index) == UInt8(ascii: ".") {
                index += 1
                var digits = 0
                while let digit = byte(index), digit >= 0x30, digit <= 0x39 {
                    if digits < 9 { nanosecond = nanosecond * 10 + Int(digit - 0x30) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return .failure(.shape) }
                for _ in min(digits, 9)..<9 { nanosecond *= 10 }
            }
            let time = LocalTime(hour: hour, minute: minute, second: second, nanosecond: nanosecond,
                                 text: String(decoding: bytes[start..<index], as: UTF8.self))
            return .success((time, index))
        }

        func failure(_ issue: TimeIssue, _ kind: String) -> Outcome {
            switch issue {
            case .shape: return .invalid("invalid \(kind) `\(text)`")
            case .range(let detail): return .invalid("invalid \(kind) `\(text)`: \(detail)")
            }
        }

        // Local time: HH:MM:SS[.frac]
        if n >= 3, bytes[2] == UInt8(ascii: ":") {
            switch parseTime(0) {
            case .failure(let issue): return failure(issue, "time")
            case .success(let (time, next)):
                guard next == n else { return .invalid("invalid time `\(text)`") }
                return .value(.localTime(time))
            }
        }

        guard let year = number(0, 4), byte(4) == UInt8(ascii: "-"),
              let month = number(5, 2), byte(7) == UInt8(ascii: "-"),
              let day = number(8, 2)
        else { return .invalid("invalid date `\(text)` (expected YYYY-MM-DD)") }
        guard (1...12).contains(month) else {
            return .invalid("invalid date `\(text)`: month \(month) is out of range (01-12)")
        }
        guard day >= 1, day <= daysInMonth(month, year: year) else {
            return .invalid("invalid date `\(text)`: day \(day) does not exist in month \(month) of \(year)")
        }
        let date = LocalDate(year: year, month: month, day: day,
                             text: String(decoding: bytes[0..<10], as: UTF8.self))
        if n == 10 { return .value(.localDate(date)) }

        guard let separator = byte(10),
              separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ")
        else { return .invalid("invalid date-time `\(text)`") }
        let (time, next): (LocalTime, Int)
        switch parseTime(11) {
        case .failure(let issue): return failure(issue, "date-time")
        case .success(let parsed): (time, next) = parsed
        }
        if next == n {
            return .value(.localDateTime(LocalDateTime(date: date, time: time, text: text)))
        }
        let marker = bytes[next]
        if marker == UInt8(ascii: "Z") || marker == UInt8(ascii: "z") {
            guard next + 1 == n else { return .invalid("invalid date-time `\(text)`") }
            return .value(.offsetDateTime(OffsetDateTime(date: date, time: time, offsetMinutes: 0, text: text)))
        }
        guard marker == UInt8(ascii: "+") || marker == UInt8(ascii: "-"),
              let offsetHour = number(next + 1, 2), byte(next + 3) == UInt8(ascii: ":"),
              let offsetMinute = number(next + 4, 2), next + 6 == n
        else { return .invalid("invalid date-time `\(text)` (expected `Z` or an offset like `+01:00`)") }
        guard offsetHour < 24, offsetMinute < 60 else {
            return .invalid("invalid date-time `\(text)`: offset is out of range")
        }
        let minutes = (offsetHour * 60 + offsetMinute) * (marker == UInt8(ascii: "-") ? -1 : 1)
        return .value(.offsetDateTime(OffsetDateTime(date: date, time: time, offsetMinutes: minutes, text: text)))
    }

    private enum TimeIssue: Error {
        case shape
        case range(String)
    }
}
