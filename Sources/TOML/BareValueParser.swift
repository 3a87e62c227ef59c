/// Interprets a bare token (see `Scanner.scanBareToken`) as a boolean, integer, float or
/// date-time, enforcing TOML's spelling rules: underscores only between digits, no leading
/// zeros, prefixes in lower case, unsigned hex/octal/binary, 64-bit integer range.
enum BareValueParser {
    enum Outcome {
        case value(TOMLValue)
        case invalid(String)
    }

    static func parse(_ token: UnsafeBufferPointer<UInt8>.SubSequence) -> Outcome {
        guard let first = token.first else { return .invalid("expected a value") }
        let text = { displayText(token) }
        if let control = token.first(where: { $0 < 0x20 || $0 == 0x7F }) {
            return .invalid("control character \(scalarName(control)) is not allowed in a value")
        }

        if first == UInt8(ascii: "t") || first == UInt8(ascii: "f") {
            if token.elementsEqual("true".utf8) { return .value(.bool(true)) }
            if token.elementsEqual("false".utf8) { return .value(.bool(false)) }
            return .invalid("invalid value `\(text())` (booleans are `true` and `false`, strings need quotes)")
        }
        if looksLikeDateOrTime(token) {
            switch DateTimeParser.parse(token) {
            case .value(let value): return .value(value)
            case .invalid(let message): return .invalid(message)
            }
        }
        return parseNumber(token, text: text)
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

    private static func parseNumber(_ token: UnsafeBufferPointer<UInt8>.SubSequence, text: () -> String) -> Outcome {
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
        if body.elementsEqual("inf".utf8) { return .value(.float(negative ? -.infinity : .infinity)) }
        if body.elementsEqual("nan".utf8) { return .value(.float(negative ? -.nan : .nan)) }
        guard index < end, isDigit(token[index]) else {
            return .invalid("invalid value `\(text())` (strings need quotes)")
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
                if signed { return .invalid("invalid integer `\(text())`: a sign is not allowed with a `0x`, `0o` or `0b` prefix") }
                return parseRadix(token[(index + 2)..<end], radix: radix, text: text)
            }
        }

        // Decimal integer or float: int [frac] [exp].
        guard let intEnd = digitRun(token, from: index) else {
            return .invalid("invalid number `\(text())`: `_` must sit between two digits")
        }
        if token[index] == UInt8(ascii: "0"), intEnd - index > 1 {
            return .invalid("invalid number `\(text())`: leading zeros are not allowed")
        }
        var cursor = intEnd
        var isFloat = false
        if cursor < end, token[cursor] == UInt8(ascii: ".") {
            isFloat = true
            guard cursor + 1 < end, isDigit(token[cursor + 1]), let fracEnd = digitRun(token, from: cursor + 1) else {
                return .invalid("invalid float `\(text())`: a digit must follow the decimal point")
            }
            cursor = fracEnd
        }
        if cursor < end, token[cursor] == UInt8(ascii: "e") || token[cursor] == UInt8(ascii: "E") {
            isFloat = true
            cursor += 1
            if cursor < end, token[cursor] == UInt8(ascii: "+") || token[cursor] == UInt8(ascii: "-") { cursor += 1 }
            guard cursor < end, isDigit(token[cursor]), let expEnd = digitRun(token, from: cursor) else {
                return .invalid("invalid float `\(text())`: the exponent needs digits")
            }
            cursor = expEnd
        }
        guard cursor == end else {
            return .invalid("invalid number `\(text())`")
        }

        if isFloat {
            let ascii = token.contains(UInt8(ascii: "_"))
                ? String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
                : String(decoding: token, as: UTF8.self)
            guard let value = Double(ascii) else { return .invalid("invalid float `\(text())`") }
            return .value(.float(value))
        }

        // Accumulate negatively so Int64.min is representable.
        var value: Int64 = 0
        for byte in token[index..<end] where byte != UInt8(ascii: "_") {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(byte - 0x30))
            if overflow1 || overflow2 { return outOfRange(text()) }
            value = next
        }
        if !negative {
            guard value != .min else { return outOfRange(text()) }
            value = -value
        }
        return .value(.integer(value))
    }

    private static func parseRadix(_ digits: UnsafeBufferPointer<UInt8>.SubSequence, radix: UInt64,
                                   text: () -> String) -> Outcome
    {
        guard let first = digits.first, digitValue(first, radix: radix) != nil else {
            return .invalid("invalid integer `\(text())`: expected digits after the prefix")
        }
        var value: UInt64 = 0
        var previousWasDigit = false
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                guard previousWasDigit else { return .invalid("invalid integer `\(text())`: `_` must sit between two digits") }
                previousWasDigit = false
                continue
            }
            guard let digit = digitValue(byte, radix: radix) else {
                return .invalid("invalid integer `\(text())`: `\(Unicode.Scalar(byte))` is not a base-\(radix) digit")
            }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
            let (next, overflow2) = shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return outOfRange(text()) }
            value = next
            previousWasDigit = true
        }
        guard previousWasDigit else { return .invalid("invalid integer `\(text())`: `_` must sit between two digits") }
        guard value <= UInt64(Int64.max) else { return outOfRange(text()) }
        return .value(.integer(Int64(value)))
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

    private static func outOfRange(_ text: String) -> Outcome {
        .invalid("integer `\(text)` does not fit in 64 bits (range -9223372036854775808...9223372036854775807)")
    }
}
