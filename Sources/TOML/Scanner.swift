/// Byte-level reader for TOML's lexical forms: whitespace, comments, line endings, keys,
/// strings and the bare tokens of numbers, booleans and date-times. It works directly on
/// UTF-8 bytes (validated beforehand) and never builds `Character`s, which keeps parsing
/// linear and cheap. Structure (tables, arrays, redefinition rules) is the parser's job.
struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    // Line tracking: every line break the scanner consumes is noted here, so a location
    // on the current line costs a subtraction (ASCII input) or a short scalar count.
    private var line = 1
    private var lineStart: Int
    private var isASCII = false
    private var columnCache = (line: 0, offset: 0, column: 1)
    private var interner = StringInterner()

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let start = byteOrderMarkLength(bytes)
        position = start
        lineStart = start
    }

    var isAtEnd: Bool { position >= bytes.count }
    var end: Int { bytes.count }

    @inline(__always)
    func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    @inline(__always)
    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Line and column of `offset`, which must lie on the line being scanned (true for keys
    /// and value starts); anything else falls back to a scan from the start.
    mutating func location(at offset: Int) -> SourceLocation {
        guard offset >= lineStart, offset <= bytes.count else { return LocationCursor.locate(offset, in: bytes) }
        if isASCII { return SourceLocation(offset: offset, line: line, column: offset - lineStart + 1) }
        var index = lineStart
        var column = 1
        if columnCache.line == line, columnCache.offset <= offset {
            index = columnCache.offset
            column = columnCache.column
        }
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        columnCache = (line, offset, column)
        return SourceLocation(offset: offset, line: line, column: column)
    }

    /// Lets location lookups skip scalar counting when the whole input is ASCII.
    mutating func setASCII(_ isASCII: Bool) { self.isASCII = isASCII }

    /// Records a line feed at `index - 1`; `index` is where the next line starts.
    @inline(__always)
    private mutating func noteLineBreak(nextLineAt index: Int) {
        line += 1
        lineStart = index
    }

    /// Records the line feeds inside a multi-line string after it has been read.
    private mutating func noteLineBreaks(in range: Range<Int>) {
        for index in range where bytes[index] == 0x0A { noteLineBreak(nextLineAt: index + 1) }
    }

    func error(_ message: String, at offset: Int) -> TOMLError {
        TOMLError(message, at: LocationCursor.locate(offset, in: bytes))
    }

    // MARK: Whitespace, line endings, comments

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x09 else { return }
            position += 1
        }
    }

    /// True at LF or at a CR (which must then be part of CRLF).
    var isAtLineBreak: Bool {
        guard let byte = current else { return false }
        return byte == 0x0A || byte == 0x0D
    }

    mutating func consumeLineBreak() throws(TOMLError) {
        if current == 0x0A {
            position += 1
            noteLineBreak(nextLineAt: position)
        } else if current == 0x0D, byte(at: position + 1) == 0x0A {
            position += 2
            noteLineBreak(nextLineAt: position)
        } else {
            throw error("carriage return must be followed by a line feed", at: position)
        }
    }

    /// Reads `#...` up to (not including) the line ending and returns its span.
    mutating func scanComment() throws(TOMLError) -> Range<Int> {
        let start = position
        var index = position + 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { break }
            if byte == 0x0D {
                if self.byte(at: index + 1) == 0x0A { break }
                throw error("carriage return in a comment must be followed by a line feed", at: index)
            }
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                throw error("control character \(scalarName(byte)) is not allowed in a comment", at: index)
            }
            index += 1
        }
        position = index
        return start..<index
    }

    /// After a complete statement: optional whitespace and comment, then a line ending or
    /// the end of input. Returns the comment's span.
    mutating func finishLine(after what: @autoclosure () -> String) throws(TOMLError) -> Range<Int>? {
        if current == 0x0A {
            // The common case: the line ends right after the value.
            position += 1
            noteLineBreak(nextLineAt: position)
            return nil
        }
        skipWhitespace()
        var comment: Range<Int>?
        if current == UInt8(ascii: "#") { comment = try scanComment() }
        if isAtEnd { return comment }
        if isAtLineBreak {
            try consumeLineBreak()
            return comment
        }
        throw error("expected end of line after \(what()), found \(describeCurrent())", at: position)
    }

    /// Whitespace, line breaks and comments, as allowed between array elements.
    mutating func skipArrayTrivia() throws(TOMLError) {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09: position += 1
            case 0x0A, 0x0D: try consumeLineBreak()
            case UInt8(ascii: "#"): _ = try scanComment()
            default: return
            }
        }
    }

    // MARK: Keys

    struct KeyPart {
        var name: String
        /// Span of the key as written, quotes included.
        var span: Range<Int>
        var location = SourceLocation(offset: 0, line: 0, column: 0)
    }

    /// Reads a possibly dotted key (`a . "b" . 'c'`) into `parts` (which is cleared first).
    mutating func scanKey(into parts: inout [KeyPart]) throws(TOMLError) {
        // `removeLast` is much cheaper than the generic `removeAll(keepingCapacity:)` for
        // the usual one-part key.
        while !parts.isEmpty { parts.removeLast() }
        while true {
            parts.append(try scanSimpleKey())
            let afterKey = position
            skipWhitespace()
            if current == UInt8(ascii: ".") {
                position += 1
                skipWhitespace()
                continue
            }
            position = afterKey
            return
        }
    }

    /// A bare, undotted key followed by `=` (the usual case), leaving the position at the
    /// `=`; nil, with the position unchanged, for anything else.
    mutating func scanPlainKey() -> KeyPart? {
        let start = position
        var index = start
        while index < bytes.count, isBareKeyByte(bytes[index]) { index += 1 }
        guard index > start else { return nil }
        var next = index
        while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
        guard next < bytes.count, bytes[next] == UInt8(ascii: "=") else { return nil }
        position = next
        return KeyPart(name: interner.string(start..<index, in: bytes), span: start..<index)
    }

    private mutating func scanSimpleKey() throws(TOMLError) -> KeyPart {
        let start = position
        guard let first = current else { throw error("expected a key, found end of input", at: position) }
        if isBareKeyByte(first) {
            var index = position + 1
            while index < bytes.count, isBareKeyByte(bytes[index]) { index += 1 }
            position = index
            return KeyPart(name: interner.string(start..<index, in: bytes), span: start..<index)
        }
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            if byte(at: position + 1) == first, byte(at: position + 2) == first {
                throw error("multi-line strings cannot be used as keys", at: position)
            }
            let scanned = first == UInt8(ascii: "\"") ? try scanBasicString() : try scanLiteralString()
            return KeyPart(name: scanned.value, span: start..<position)
        }
        if first == 0x0A || first == 0x0D {
            throw error("expected a key, found end of line", at: position)
        }
        throw error("expected a key, found \(describeCurrent()) (bare keys may use A-Z a-z 0-9 _ -)", at: position)
    }

    // MARK: Strings

    struct ScannedString {
        var value: String
        var contentStart: Int
        var contentEnd: Int
        /// False when escapes or line breaks make the decoded text differ from the source.
        var isVerbatim: Bool
    }

    @inline(__always)
    private func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09) || byte == 0x7F
    }

    /// `"..."` with escapes. The fast path slices the input when there is no escape.
    mutating func scanBasicString() throws(TOMLError) -> ScannedString {
        let open = position
        let contentStart = position + 1
        var index = contentStart
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                let value = String(decoding: bytes[contentStart..<index], as: UTF8.self)
                return ScannedString(value: value, contentStart: contentStart, contentEnd: index, isVerbatim: true)
            }
            if byte == UInt8(ascii: "\\") { break }
            if isForbiddenControl(byte) { throw stringControlError(byte, at: index, open: open) }
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string: missing closing `\"`", at: open) }
        var buffer = Array(bytes[contentStart..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return ScannedString(value: String(decoding: buffer, as: UTF8.self), contentStart: contentStart,
                                     contentEnd: index, isVerbatim: false)
            }
            if byte == UInt8(ascii: "\\") {
                index = try decodeEscape(at: index, into: &buffer)
                continue
            }
            if isForbiddenControl(byte) { throw stringControlError(byte, at: index, open: open) }
            buffer.append(byte)
            index += 1
        }
        throw error("unterminated string: missing closing `\"`", at: open)
    }

    private func stringControlError(_ byte: UInt8, at index: Int, open: Int) -> TOMLError {
        if byte == 0x0A || byte == 0x0D {
            return error("unterminated string: a single-line string cannot contain a line break (use `\"\"\"` or `'''` for multi-line strings)", at: open)
        }
        return error("control character \(scalarName(byte)) must be escaped in a string", at: index)
    }

    /// Decodes the escape at `index` (a backslash) and returns the index after it.
    private func decodeEscape(at index: Int, into buffer: inout [UInt8]) throws(TOMLError) -> Int {
        guard let escape = byte(at: index + 1) else {
            throw error("unterminated string: input ends after `\\`", at: index)
        }
        switch escape {
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = escape == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for offset in 0..<digits {
                guard let digit = byte(at: index + 2 + offset), let nibble = hexValue(digit) else {
                    let shown = String(decoding: bytes[index..<min(index + 2 + offset, bytes.count)], as: UTF8.self)
                    throw error("invalid Unicode escape `\(shown)`: expected \(digits) hexadecimal digits", at: index)
                }
                value = value << 4 | UInt32(nibble)
            }
            guard let scalar = Unicode.Scalar(value) else {
                let shown = String(decoding: bytes[index..<(index + 2 + digits)], as: UTF8.self)
                throw error("`\(shown)` is not a valid Unicode scalar value", at: index)
            }
            UTF8.encode(scalar) { buffer.append($0) }
            return index + 2 + digits
        default:
            let shown = escape == 0x0A || escape == 0x0D ? "\\ followed by a line break"
                : "`\\" + scalarText(at: index + 1) + "`"
            throw error("invalid escape \(shown) in string (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)", at: index)
        }
        return index + 2
    }

    /// `"""..."""`: a newline right after the opening quotes is dropped, a backslash at the
    /// end of a line swallows the following whitespace, and CRLF is read as LF.
    mutating func scanMultilineBasicString() throws(TOMLError) -> ScannedString {
        let open = position
        var index = position + 3
        if byte(at: index) == 0x0A {
            index += 1
        } else if byte(at: index) == 0x0D, byte(at: index + 1) == 0x0A {
            index += 2
        }
        let contentStart = index
        var buffer: [UInt8] = []
        var verbatim = true
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                var quotes = 1
                while quotes < 5, self.byte(at: index + quotes) == UInt8(ascii: "\"") { quotes += 1 }
                if quotes >= 3 {
                    let extra = quotes - 3
                    for _ in 0..<extra { buffer.append(UInt8(ascii: "\"")) }
                    position = index + quotes
                    if !verbatim || contentStart > open + 3 { noteLineBreaks(in: open..<position) }
                    return ScannedString(value: String(decoding: buffer, as: UTF8.self), contentStart: contentStart,
                                         contentEnd: index + extra, isVerbatim: verbatim)
                }
                for _ in 0..<quotes { buffer.append(UInt8(ascii: "\"")) }
                index += quotes
            case UInt8(ascii: "\\"):
                verbatim = false
                var next = index + 1
                while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
                if next < bytes.count, bytes[next] == 0x0A || (bytes[next] == 0x0D && self.byte(at: next + 1) == 0x0A) {
                    while next < bytes.count {
                        let skipped = bytes[next]
                        if skipped == 0x20 || skipped == 0x09 || skipped == 0x0A {
                            next += 1
                        } else if skipped == 0x0D, self.byte(at: next + 1) == 0x0A {
                            next += 2
                        } else {
                            break
                        }
                    }
                    index = next
                } else {
                    index = try decodeEscape(at: index, into: &buffer)
                }
            case 0x0A:
                verbatim = false
                buffer.append(0x0A)
                index += 1
            case 0x0D:
                guard self.byte(at: index + 1) == 0x0A else {
                    throw error("carriage return in a string must be followed by a line feed", at: index)
                }
                verbatim = false
                buffer.append(0x0A)
                index += 2
            default:
                if isForbiddenControl(byte) {
                    throw error("control character \(scalarName(byte)) must be escaped in a string", at: index)
                }
                buffer.append(byte)
                index += 1
            }
        }
        throw error("unterminated multi-line string: missing closing `\"\"\"`", at: open)
    }

    /// `'...'`: no escapes, no line breaks.
    mutating func scanLiteralString() throws(TOMLError) -> ScannedString {
        let open = position
        let contentStart = position + 1
        var index = contentStart
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "'") {
                position = index + 1
                return ScannedString(value: String(decoding: bytes[contentStart..<index], as: UTF8.self),
                                     contentStart: contentStart, contentEnd: index, isVerbatim: true)
            }
            if isForbiddenControl(byte) {
                if byte == 0x0A || byte == 0x0D {
                    throw error("unterminated literal string: a single-line string cannot contain a line break", at: open)
                }
                throw error("control character \(scalarName(byte)) is not allowed in a literal string", at: index)
            }
            index += 1
        }
        throw error("unterminated literal string: missing closing `'`", at: open)
    }

    /// `'''...'''`: no escapes; a newline right after the opening quotes is dropped.
    mutating func scanMultilineLiteralString() throws(TOMLError) -> ScannedString {
        let open = position
        var index = position + 3
        if byte(at: index) == 0x0A {
            index += 1
        } else if byte(at: index) == 0x0D, byte(at: index + 1) == 0x0A {
            index += 2
        }
        let contentStart = index
        var buffer: [UInt8] = []
        var verbatim = true
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"):
                var quotes = 1
                while quotes < 5, self.byte(at: index + quotes) == UInt8(ascii: "'") { quotes += 1 }
                if quotes >= 3 {
                    let extra = quotes - 3
                    for _ in 0..<extra { buffer.append(UInt8(ascii: "'")) }
                    position = index + quotes
                    if !verbatim || contentStart > open + 3 { noteLineBreaks(in: open..<position) }
                    return ScannedString(value: String(decoding: buffer, as: UTF8.self), contentStart: contentStart,
                                         contentEnd: index + extra, isVerbatim: verbatim)
                }
                for _ in 0..<quotes { buffer.append(UInt8(ascii: "'")) }
                index += quotes
            case 0x0A:
                verbatim = false
                buffer.append(0x0A)
                index += 1
            case 0x0D:
                guard self.byte(at: index + 1) == 0x0A else {
                    throw error("carriage return in a string must be followed by a line feed", at: index)
                }
                verbatim = false
                buffer.append(0x0A)
                index += 2
            default:
                if isForbiddenControl(byte) {
                    throw error("control character \(scalarName(byte)) is not allowed in a literal string", at: index)
                }
                buffer.append(byte)
                index += 1
            }
        }
        throw error("unterminated multi-line literal string: missing closing `'''`", at: open)
    }

    // MARK: Bare tokens

    /// The run of bytes forming a number, boolean or date-time, ending at whitespace, a
    /// line break, `,`, `]`, `}` or `#`. A date followed by ` HH:` continues through the
    /// space, since TOML allows a space between date and time.
    mutating func scanBareToken() -> Range<Int> {
        let start = position
        var index = tokenEnd(from: position)
        if index - start == 10, bytes[start + 4] == UInt8(ascii: "-"), byte(at: index) == 0x20,
           let first = byte(at: index + 1), isDigit(first), let second = byte(at: index + 2), isDigit(second),
           byte(at: index + 3) == UInt8(ascii: ":")
        {
            index = tokenEnd(from: index + 1)
        }
        position = index
        return start..<index
    }

    private func tokenEnd(from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#"):
                return index
            default:
                index += 1
            }
        }
        return index
    }

    // MARK: Describing input in messages

    /// The scalar starting at `index` as text (for messages).
    func scalarText(at index: Int) -> String {
        guard index < bytes.count else { return "" }
        var length = 1
        let lead = bytes[index]
        if lead >= 0xF0 { length = 4 } else if lead >= 0xE0 { length = 3 } else if lead >= 0xC0 { length = 2 }
        return String(decoding: bytes[index..<min(index + length, bytes.count)], as: UTF8.self)
    }

    /// "`x`", "end of line" or "end of input", for "expected ..., found ..." messages.
    func describeCurrent() -> String {
        guard let byte = current else { return "end of input" }
        if byte == 0x0A || byte == 0x0D { return "end of line" }
        if (byte < 0x20 && byte != 0x09) || byte == 0x7F { return "control character \(scalarName(byte))" }
        return "`\(scalarText(at: position))`"
    }
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

/// `U+001F` style name for a control byte.
func scalarName(_ byte: UInt8) -> String {
    let hex = String(byte, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
}
