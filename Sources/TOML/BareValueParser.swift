/// Interprets a bare token (see `Scanner.scanBareToken`) as a boolean, integer, float or
/// date-time, enforcing TOML's spelling rules: underscores only between digits, no leading
/// zeros, prefixes in lower case, unsigned hex/octal/binary, 64-bit integer range.
enum BareValueParser {
    /// Why a token is not a value; the parser adds the position.
    struct Invalid: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    typealias Token = UnsafeBufferPointer<UInt8>.SubSequence

    static func parse(_ token: Token) throws(Invalid) -> TOMLValue {
        guard let first = token.first else { throw Invalid("expected a value") }
        if let control = token.first(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw Invalid("control character \(scalarName(control)) is not allowed in a value")
        }

        if first == UInt8(ascii: "t") || first == UInt8(ascii: "f") {
            if matches(token, "true") { return .bool(true) }
            if matches(token, "false") { return .bool(false) }
            throw Invalid("invalid value `\(displayText(token))` (booleans are `true` and `false`, strings need quotes)")
        }
        if looksLikeDateOrTime(token) {
            switch DateTimeParser.parse(token) {
            case .value(let value): return value
            case .invalid(let message): throw Invalid(message)
            }
        }
        return try parseNumber(token)
    }

    /// Exact conversion when the digits fit in 2^53 and the power of ten is at most 10^22
    /// (both then exact doubles, so one multiply or divide rounds correctly). Covers
    /// ordinary config numbers without building a String for `strtod`.
    private static func fastDouble(_ token: Token, negative: Bool) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var inFraction = false
        var index = token.startIndex
        let end = token.endIndex
        if token[index] == UInt8(ascii: "+") || token[index] == UInt8(ascii: "-") { index += 1 }
        while index < end {
            let byte = token[index]
            if isDigit(byte) {
                if mantissa == 0 && byte == UInt8(ascii: "0") {
                    if inFraction { fractionDigits += 1 }
                } else {
                    digits += 1
                    guard digits <= 15 else { return nil }
                    mantissa = mantissa * 10 + UInt64(byte - 0x30)
                    if inFraction { fractionDigits += 1 }
                }
            } else if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "_") {
                // Separators only.
            } else {
                break
            }
            index += 1
        }
        var exponent = 0
        if index < end {
            // At `e`/`E`: the caller has validated the shape.
            index += 1
            var exponentNegative = false
            if token[index] == UInt8(ascii: "+") || token[index] == UInt8(ascii: "-") {
                exponentNegative = token[index] == UInt8(ascii: "-")
                index += 1
            }
            while index < end {
                let byte = token[index]
                if isDigit(byte) {
                    exponent = exponent * 10 + Int(byte - 0x30)
                    guard exponent < 1000 else { return nil }
                }
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        let scale = exponent - fractionDigits
        guard scale >= -22, scale <= 22 else { return mantissa == 0 ? (negative ? -0.0 : 0.0) : nil }
        var value = Double(mantissa)
        if scale < 0 {
            value /= powersOfTen[-scale]
        } else {
            value *= powersOfTen[scale]
        }
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Byte comparison with an ASCII literal, cheaper than `elementsEqual` on `String.UTF8View`.
    private static func matches(_ token: UnsafeBufferPointer<UInt8>.SubSequence, _ literal: StaticString) -> Bool {
        guard token.count == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        var index = 0
        for byte in token {
            guard byte == pointer[index] else { return false }
            index += 1
        }
        return true
    }

    /// The token for messages, shortened if long.
    private static func displayText(_ token: UnsafeBufferPointer<UInt8>.SubSequence) -> String {
        String(decoding: token.prefix(60), as: UTF8.self) + (token.count > 60 ? "…" : "")
    }

    private static func looksLikeDateOrTime(_ token: UnsafeBufferPointer<UInt8>.SubSequence) -> Bool {
        let start = token.startIndex
        if token.count >= 3, isDigit(token[start]), isDigit(token[start + 1]), token[start + 2] == UInt8(ascii: ":") {
            return true
        }
        return token.count >= 5 && token.prefix(4).allSatisfy(isDigit) && token[start + 4] == UInt8(ascii: "-")
    }

    private static func parseNumber(_ token: Token) throws(Invalid) -> TOMLValue {
        var index = token.startIndex
        let end = token.endIndex
        var negative = false
        var signed = false
        if token[index] == UInt8(ascii: "+") || token[index] == UInt8(ascii: "-") {
            negative = token[index] == UInt8(ascii: "-")
            signed = true
            index += 1
        }
        let body = token[index..<end]
        if body.count == 3, matches(body, "inf") { return .float(negative ? -.infinity : .infinity) }
        if body.count == 3, matches(body, "nan") { return .float(negative ? -.nan : .nan) }
        guard index < end, isDigit(token[index]) else {
            throw Invalid("invalid value `\(displayText(token))` (strings need quotes)")
        }

        // Hexadecimal, octal, binary.
        if token[index] == UInt8(ascii: "0"), index + 1 < end {
            let radix: UInt64
            switch token[index + 1] {
            case UInt8(ascii: "x"): radix = 16
            case UInt8(ascii: "o"): radix = 8
            case UInt8(ascii: "b"): radix = 2
            default: radix = 0
            }
            if radix != 0 {
                if signed { throw Invalid("invalid integer `\(displayText(token))`: a sign is not allowed with a `0x`, `0o` or `0b` prefix") }
                return try parseRadix(token[(index + 2)..<end], radix: radix, token: token)
            }
        }

        // Decimal integer or float: int [frac] [exp].
        guard let intEnd = digitRun(token, from: index) else {
            throw Invalid("invalid number `\(displayText(token))`: `_` must sit between two digits")
        }
        if token[index] == UInt8(ascii: "0"), intEnd - index > 1 {
            throw Invalid("invalid number `\(displayText(token))`: leading zeros are not allowed")
        }
        var cursor = intEnd
        var isFloat = false
        if cursor < end, token[cursor] == UInt8(ascii: ".") {
            isFloat = true
            guard cursor + 1 < end, isDigit(token[cursor + 1]), let fracEnd = digitRun(token, from: cursor + 1) else {
                throw Invalid("invalid float `\(displayText(token))`: a digit must follow the decimal point")
            }
            cursor = fracEnd
        }
        if cursor < end, token[cursor] == UInt8(ascii: "e") || token[cursor] == UInt8(ascii: "E") {
            isFloat = true
            cursor += 1
            if cursor < end, token[cursor] == UInt8(ascii: "+") || token[cursor] == UInt8(ascii: "-") { cursor += 1 }
            guard cursor < end, isDigit(token[cursor]), let expEnd = digitRun(token, from: cursor) else {
                throw Invalid("invalid float `\(displayText(token))`: the exponent needs digits")
            }
            cursor = expEnd
        }
        guard cursor == end else {
            throw Invalid("invalid number `\(displayText(token))`")
        }

        if isFloat {
            if let value = fastDouble(token, negative: negative) { return .float(value) }
            let ascii = token.contains(UInt8(ascii: "_"))
                ? String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
                : String(decoding: token, as: UTF8.self)
            guard let value = Double(ascii) else { throw Invalid("invalid float `\(displayText(token))`") }
            return .float(value)
        }

        // Accumulate negatively so Int64.min is representable.
        var value: Int64 = 0
        for byte in token[index..<end] where byte != UInt8(ascii: "_") {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(byte - 0x30))
            if overflow1 || overflow2 { throw outOfRange(displayText(token)) }
            value = next
        }
        if !negative {
            guard value != .min else { throw outOfRange(displayText(token)) }
            value = -value
        }
        return .integer(value)
    }

    private static func parseRadix(_ digits: Token, radix: UInt64, token: Token) throws(Invalid) -> TOMLValue {
        guard let first = digits.first, digitValue(first, radix: radix) != nil else {
            throw Invalid("invalid integer `\(displayText(token))`: expected digits after the prefix")
        }
        var value: UInt64 = 0
        var previousWasDigit = false
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                guard previousWasDigit else { throw Invalid("invalid integer `\(displayText(token))`: `_` must sit between two digits") }
                previousWasDigit = false
                continue
            }
            guard let digit = digitValue(byte, radix: radix) else {
                throw Invalid("invalid integer `\(displayText(token))`: `\(Unicode.Scalar(byte))` is not a base-\(radix) digit")
            }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
            let (next, overflow2) = shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { throw outOfRange(displayText(token)) }
            value = next
            previousWasDigit = true
        }
        guard previousWasDigit else { throw Invalid("invalid integer `\(displayText(token))`: `_` must sit between two digits") }
        guard value <= UInt64(Int64.max) else { throw outOfRange(displayText(token)) }
        return .integer(Int64(value))
    }

    private static func digitValue(_ byte: UInt8, radix: UInt64) -> UInt64? {
        guard let nibble = hexValue(byte) else { return nil }
        return UInt64(nibble) < radix ? UInt64(nibble) : nil
    }

    /// End of `digit *( ["_"] digit )` starting at `start`, or nil if an underscore is not
    /// between digits. The caller has checked that `start` is a digit.
    private static func digitRun(_ token: UnsafeBufferPointer<UInt8>.SubSequence, from start: Int) -> Int? {
        var index = start
        let end = token.endIndex
        while index < end {
            let byte = token[index]
            if isDigit(byte) {
                index += 1
            } else if byte == UInt8(ascii: "_") {
                guard index + 1 < end, isDigit(token[index + 1]) else { return nil }
                index += 1
            } else {
                break
            }
        }
        return index
    }

    private static func outOfRange(_ text: String) -> Invalid {
        Invalid("integer `\(text)` does not fit in 64 bits (range -9223372036854775808...9223372036854775807)")
    }
}
