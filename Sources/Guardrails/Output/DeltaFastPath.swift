/// Reads the one text field of a typical stream event straight from its bytes, without parsing
/// the event: a chat chunk's `"content":"…"`, a Responses `"delta":"…"`, an Anthropic
/// `"text":"…"`, a Gemini part's `"text": "…"`. Parsing each event cost about 7 µs, which for
/// streams of 3–4 character deltas was more than scanning the text. Anything less plain
/// (several choices or parts, tool calls, thoughts, escapes it cannot read) returns nil and the
/// event is parsed in full.
enum DeltaFastPath {
    /// The decoded string value of the only `"key":` member in `data`, or nil when the key
    /// occurs other than once or its value is not a plain string.
    static func onlyString(_ key: StaticString, in data: [UInt8]) -> String? {
        guard let position = onlyOccurrence(of: key, in: data) else { return nil }
        var index = position + key.utf8CodeUnitCount
        while index < data.count, data[index] == UInt8(ascii: " ") { index += 1 }
        guard index < data.count, data[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        while index < data.count, data[index] == UInt8(ascii: " ") { index += 1 }
        guard index < data.count, data[index] == UInt8(ascii: "\"") else { return nil }
        return decodeString(data, from: index + 1)
    }

    /// The integer after the first `"key":`, or 0 when there is none.
    static func integer(_ key: StaticString, in data: [UInt8]) -> Int? {
        guard let position = firstIndex(of: key, in: data, from: 0) else { return 0 }
        var index = position + key.utf8CodeUnitCount
        while index < data.count, data[index] == UInt8(ascii: " ") || data[index] == UInt8(ascii: ":") { index += 1 }
        var value = 0
        var digits = 0
        while index < data.count, ByteClass.isDigit(data[index]), digits < 9 {
            value = value * 10 + Int(data[index] - 0x30)
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    static func contains(_ needle: StaticString, in data: [UInt8]) -> Bool {
        firstIndex(of: needle, in: data, from: 0) != nil
    }

    static func count(_ needle: StaticString, in data: [UInt8]) -> Int {
        var count = 0
        var from = 0
        while let found = firstIndex(of: needle, in: data, from: from) {
            count += 1
            from = found + 1
        }
        return count
    }

    private static func onlyOccurrence(of needle: StaticString, in data: [UInt8]) -> Int? {
        guard let first = firstIndex(of: needle, in: data, from: 0),
              firstIndex(of: needle, in: data, from: first + 1) == nil else { return nil }
        return first
    }

    static func firstIndex(of needle: StaticString, in data: [UInt8], from: Int) -> Int? {
        needle.withUTF8Buffer { pattern -> Int? in
            guard let head = pattern.first, pattern.count <= data.count else { return nil }
            var index = from
            let last = data.count - pattern.count
            while index <= last {
                if data[index] == head {
                    var offset = 1
                    while offset < pattern.count, data[index + offset] == pattern[offset] { offset += 1 }
                    if offset == pattern.count { return index }
                }
                index += 1
            }
            return nil
        }
    }

    /// Decodes a JSON string whose opening quote is just before `start`.
    static func decodeString(_ data: [UInt8], from start: Int) -> String? {
        var index = start
        // Fast path: no escapes.
        while index < data.count {
            let byte = data[index]
            if byte == UInt8(ascii: "\"") { return String(decoding: data[start..<index], as: UTF8.self) }
            if byte == UInt8(ascii: "\\") { break }
            index += 1
        }
        var bytes = Array(data[start..<index])
        while index < data.count {
            let byte = data[index]
            if byte == UInt8(ascii: "\"") { return String(decoding: bytes, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\") else { bytes.append(byte); index += 1; continue }
            guard index + 1 < data.count else { return nil }
            let escaped = data[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "u"):
                guard let unit = hex4(data, index) else { return nil }
                index += 4
                var scalarValue = UInt32(unit)
                if (0xD800..<0xDC00).contains(unit) {
                    // A surrogate pair: `\uD83D\uDE42`.
                    guard index + 6 <= data.count, data[index] == UInt8(ascii: "\\"), data[index + 1] == UInt8(ascii: "u"),
                          let low = hex4(data, index + 2), (0xDC00..<0xE000).contains(low) else { return nil }
                    index += 6
                    scalarValue = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                return nil
            }
        }
        return nil
    }

    private static func hex4(_ data: [UInt8], _ index: Int) -> UInt16? {
        guard index + 4 <= data.count else { return nil }
        var value: UInt16 = 0
        for byte in data[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
