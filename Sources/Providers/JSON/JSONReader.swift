/// A small, allocation-light JSON reader over UTF-8 bytes.
///
/// It exists because the proxy must inspect request bodies (model, stream flags) and splice
/// single members without re-encoding the rest, so it needs byte spans, which Foundation's
/// readers do not give. `skipValue` validates without building values.
public struct JSONReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    private var depth = 0
    static let maxDepth = 512

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.offset = 0
    }

    /// Parses one complete JSON document (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        let value = try reader.readValue()
        reader.skipWhitespace()
        guard reader.offset == bytes.count else { throw reader.error("unexpected data after the JSON value") }
        return value
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        do {
            return try bytes.withUnsafeBytes { buffer in try parse(buffer) }
        } catch let error as JSONSyntaxError {
            throw error
        } catch {
            throw JSONSyntaxError(offset: 0, message: "\(error)")
        }
    }

    /// Validates a whole document whose top level is an object and returns its members with the
    /// byte range of each value, without decoding the values.
    public static func topLevelMembers(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> [JSONMemberSpan] {
        var members: [JSONMemberSpan] = []
        try walkTopLevelMembers(bytes) { (keyRange, valueRange) throws(JSONSyntaxError) in
            let key = try decodeKey(bytes, at: keyRange.lowerBound)
            members.append(JSONMemberSpan(key: key, keyStart: keyRange.lowerBound, valueRange: valueRange))
        }
        return members
    }

    /// Validates a whole document like `topLevelMembers` but finds only the members named in
    /// `names`: the byte range of each one's value, nil where absent (the last one where a name
    /// repeats). Names are compared as raw bytes, so a response with many members costs no
    /// string per member, and the result lives inline: no allocation.
    public static func topLevelMembers<let N: Int>(
        _ bytes: UnsafeRawBufferPointer, named names: InlineArray<N, StaticString>
    ) throws(JSONSyntaxError) -> InlineArray<N, Range<Int>?> {
        var found = InlineArray<N, Range<Int>?>(repeating: nil)
        func record(_ key: some Collection<UInt8>, _ valueRange: Range<Int>) {
            for index in names.indices where names[index].withUTF8Buffer({ key.elementsEqual($0) }) {
                found[index] = valueRange
            }
        }
        try walkTopLevelMembers(bytes) { (keyRange, valueRange) throws(JSONSyntaxError) in
            let raw = UnsafeRawBufferPointer(rebasing: bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)])
            // An escaped name ("\u0075sage") is legal JSON: decoded before it is compared.
            if raw.contains(UInt8(ascii: "\\")) {
                record(try decodeKey(bytes, at: keyRange.lowerBound).utf8, valueRange)
            } else {
                record(raw, valueRange)
            }
        }
        return found
    }

    private static func decodeKey(_ bytes: UnsafeRawBufferPointer, at quote: Int) throws(JSONSyntaxError) -> String {
        var reader = JSONReader(bytes)
        reader.offset = quote
        return try reader.readString()
    }

    /// Whether the member name at `keyRange` (quotes included) is `name`. Names are compared as
    /// raw bytes; an escaped one ("\u0075sage") is decoded first.
    static func keyMatches(_ bytes: UnsafeRawBufferPointer, _ keyRange: Range<Int>,
                           _ name: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> Bool {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)])
        if raw.count == name.count, raw.elementsEqual(name) { return true }
        // Only an escaped name reads longer than it is.
        guard raw.count > name.count, raw.contains(UInt8(ascii: "\\")) else { return false }
        return try decodeKey(bytes, at: keyRange.lowerBound).utf8.elementsEqual(name)
    }

    /// Validates a document that is one array, calling `visit` with each element's byte range.
    static func walkArrayElements(
        _ bytes: UnsafeRawBufferPointer,
        _ visit: (_ elementRange: Range<Int>) -> Void
    ) throws(JSONSyntaxError) {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        guard reader.peek() == UInt8(ascii: "[") else { throw reader.error("expected a JSON array") }
        reader.offset += 1
        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "]") {
            reader.offset += 1
        } else {
            elements: while true {
                reader.skipWhitespace()
                let start = reader.offset
                try reader.skipValue()
                visit(start..<reader.offset)
                reader.skipWhitespace()
                switch reader.peek() {
                case UInt8(ascii: ","): reader.offset += 1
                case UInt8(ascii: "]"): reader.offset += 1; break elements
                default: throw reader.error("expected `,` or `]` in array")
                }
            }
        }
        reader.skipWhitespace()
        guard reader.offset == bytes.count else { throw reader.error("unexpected data after the JSON value") }
    }

    /// Validates a document whose top level is an object, calling `visit` with each member's
    /// key (quotes included) and value as byte ranges.
    static func walkTopLevelMembers(
        _ bytes: UnsafeRawBufferPointer,
        _ visit: (_ keyRange: Range<Int>, _ valueRange: Range<Int>) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        guard reader.peek() == UInt8(ascii: "{") else {
            throw reader.error(reader.offset < bytes.count ? "expected a JSON object" : "empty body")
        }
        reader.offset += 1
        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "}") {
            reader.offset += 1
        } else {
            while true {
                reader.skipWhitespace()
                let keyStart = reader.offset
                guard reader.peek() == UInt8(ascii: "\"") else { throw reader.error("expected a member name") }
                try reader.skipString()
                let keyRange = keyStart..<reader.offset
                reader.skipWhitespace()
                guard reader.peek() == UInt8(ascii: ":") else { throw reader.error("expected `:` after member name") }
                reader.offset += 1
                reader.skipWhitespace()
                let valueStart = reader.offset
                try reader.skipValue()
                try visit(keyRange, valueStart..<reader.offset)
                reader.skipWhitespace()
                switch reader.peek() {
                case UInt8(ascii: ","): reader.offset += 1
                case UInt8(ascii: "}"): reader.offset += 1
                    reader.skipWhitespace()
                    guard reader.offset == bytes.count else { throw reader.error("unexpected data after the JSON value") }
                    return
                default: throw reader.error("expected `,` or `}` in object")
                }
            }
        }
        reader.skipWhitespace()
        guard reader.offset == bytes.count else { throw reader.error("unexpected data after the JSON value") }
    }

    // MARK: - Values

    mutating func readValue() throws(JSONSyntaxError) -> JSONValue {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default: return try readNumber()
        }
    }

    private mutating func readObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        offset += 1
        var entries: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object(JSONObject(entries))
        }
        // Room for a typical object up front: growing one member at a time reallocated the
        // storage three times for a four-member object (messages, usage blocks).
        entries.reserveCapacity(8)
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try readMemberName()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected `:` after member name") }
            offset += 1
            skipWhitespace()
            let value = try readValue()
            entries.append((key, value))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                depth -= 1
                return .object(JSONObject(entries))
            default: throw error("expected `,` or `}` in object")
            }
        }
    }

    private mutating func readArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array(elements)
        }
        elements.reserveCapacity(4)
        while true {
            skipWhitespace()
            elements.append(try readValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                depth -= 1
                return .array(elements)
            default: throw error("expected `,` or `]` in array")
            }
        }
    }

    /// Reads a member name: a string, handed out from `KnownMemberNames` when it is a long one
    /// that provider bodies repeat.
    private mutating func readMemberName() throws(JSONSyntaxError) -> String {
        let start = offset + 1
        let end = plainRunEnd(from: start)
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let spelled = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            offset = end + 1
            return KnownMemberNames.name(spelled) ?? String(decoding: spelled, as: UTF8.self)
        }
        // Escapes (or a control character, an error): the general path.
        return try readString()
    }

    /// Reads a string starting at the opening quote, decoding escapes.
    mutating func readString() throws(JSONSyntaxError) -> String {
        offset += 1
        let start = offset
        // Fast path: no escapes.
        offset = plainRunEnd(from: start)
        if offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let string = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
                offset += 1
                return string
            }
            if byte < 0x20 { throw error("control character in string") }
        }
        var scalars = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<offset]))
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                offset += 1
                guard let escape = peek() else { throw error("unterminated string") }
                offset += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try readHex4()
                    if (0xD800..<0xDC00).contains(code), peek() == UInt8(ascii: "\\"),
                       offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "u") {
                        offset += 2
                        let low = try readHex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            appendUTF8(0xFFFD, to: &scalars)
                            code = low
                        }
                    }
                    appendUTF8(Unicode.Scalar(code).map { $0.value } ?? 0xFFFD, to: &scalars)
                default: throw error("invalid escape in string")
                }
            default:
                if byte < 0x20 { throw error("control character in string") }
                scalars.append(byte)
                offset += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }

    private func appendUTF8(_ code: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    mutating func readNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = offset
        let isInteger = try scanNumber()
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
        if isInteger, let value = Int64(parsing: text) { return .int(value) }
        guard let value = Double(String(decoding: text, as: UTF8.self)) else { throw error("invalid number") }
        return .double(value)
    }

    /// Advances over a number per RFC 8259; returns whether it has no fraction or exponent.
    private mutating func scanNumber() throws(JSONSyntaxError) -> Bool {
        var isInteger = true
        if peek() == UInt8(ascii: "-") { offset += 1 }
        guard let first = peek(), isDigit(first) else { throw error("unexpected character") }
        offset += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            guard let digit = peek(), isDigit(digit) else { throw error("expected a digit after `.`") }
            skipDigits()
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            isInteger = false
            offset += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { offset += 1 }
            guard let digit = peek(), isDigit(digit) else { throw error("expected a digit in exponent") }
            skipDigits()
        }
        return isInteger
    }

    // MARK: - Skipping (validation without building values)

    /// Advances over one value, validating its syntax.
    mutating func skipValue() throws(JSONSyntaxError) {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            try enter()
            offset += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { offset += 1; depth -= 1; return }
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
                try skipString()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw error("expected `:` after member name") }
                offset += 1
                skipWhitespace()
                try skipValue()
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): offset += 1
                case UInt8(ascii: "}"): offset += 1; depth -= 1; return
                default: throw error("expected `,` or `}` in object")
                }
            }
        case UInt8(ascii: "["):
            try enter()
            offset += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { offset += 1; depth -= 1; return }
            while true {
                skipWhitespace()
                try skipValue()
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): offset += 1
                case UInt8(ascii: "]"): offset += 1; depth -= 1; return
                default: throw error("expected `,` or `]` in array")
                }
            }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        default: _ = try scanNumber()
        }
    }

    private mutating func skipString() throws(JSONSyntaxError) {
        offset += 1
        while true {
            offset = plainRunEnd(from: offset)
            guard offset < bytes.count else { throw error("unterminated string") }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") { offset += 1; return }
            if byte == UInt8(ascii: "\\") {
                offset += 2
                continue
            }
            throw error("control character in string")
        }
    }

    /// The offset of the first byte at or after `start` that ends a plain run of string
    /// content (a quote, a backslash or a control character), or the end of the input.
    /// Looks at eight bytes per step: string content (message text, base64 images) is most
    /// of what the proxy scans in a body.
    @inline(__always)
    private func plainRunEnd(from start: Int) -> Int {
        var index = start
        while index + 8 <= bytes.count {
            let word = ByteWord(bytes, at: index)
            let marks = word.marks(equalTo: UInt8(ascii: "\"")) | word.marks(equalTo: UInt8(ascii: "\\")) | word.marks(below: 0x20)
            if marks != 0 { return index + ByteWord.firstMarked(marks) }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return index
    }

    // MARK: - Helpers

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth) levels") }
    }

    func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { offset += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw error("unexpected end of input") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[offset + $0] == expected[$0] }
        }
        guard matches else { throw error("unexpected character") }
        offset += count
    }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, message: message)
    }
}

/// One member of a top-level JSON object: its name and where its value lies in the bytes.
public struct JSONMemberSpan: Sendable, Equatable {
    public var key: String
    public var keyStart: Int
    public var valueRange: Range<Int>
}

extension Int64 {
    /// Parses an ASCII decimal integer; nil on overflow or any other character.
    init?(parsing text: UnsafeRawBufferPointer) {
        var index = 0
        var negative = false
        if text.first == UInt8(ascii: "-") { negative = true; index = 1 }
        guard index < text.count else { return nil }
        var value: Int64 = 0
        while index < text.count {
            let digit = Int64(text[index]) - 48
            guard digit >= 0, digit <= 9 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative
                ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = next
            index += 1
        }
        self = value
    }
}
