/// A value together with where it came from. Parsed nodes have an `origin`; nodes built by
/// code (for the edit API) have none. Equality ignores the origin.
public struct TOMLNode: Sendable, Equatable {
    public var value: TOMLValue
    // The origin's fields, stored flat so the one-byte ones fill `value`'s tail padding: a
    // node takes 64 bytes instead of 80, and a large config holds one per value.
    /// 0 without an origin, else `TOMLOrigin.Definition.rawValue + 1`.
    private var originTag: UInt8
    private var stringStyle: UInt8
    private var contentSkip: UInt8
    private var key: PackedSpan
    private var span: PackedSpan
    private var rawContent: RawContent?

    public init(_ value: TOMLValue, origin: TOMLOrigin? = nil) {
        self.value = value
        if let origin {
            originTag = origin.definition.rawValue + 1
            stringStyle = origin.stringStyle
            contentSkip = origin.contentSkip
            key = origin.key
            span = origin.value
            rawContent = origin.rawContent.map(RawContent.init)
        } else {
            originTag = 0
            stringStyle = 0
            contentSkip = 0
            key = .none
            span = .none
            rawContent = nil
        }
    }

    /// The parser's constructor for a literal value without a key yet.
    @inline(__always)
    init(_ value: TOMLValue, valueLocation: SourceLocation, valueEnd: Int) {
        self.value = value
        originTag = TOMLOrigin.Definition.value.rawValue + 1
        stringStyle = 0
        contentSkip = 0
        key = .none
        span = PackedSpan(valueLocation, end: valueEnd)
        rawContent = nil
    }

    /// The parser's constructor for a string value without a key yet.
    @inline(__always)
    init(string: String, valueLocation: SourceLocation, valueEnd: Int, style: TOMLStringSource.Style,
         contentStart: Int, rawContent: String?)
    {
        value = .string(string)
        originTag = TOMLOrigin.Definition.value.rawValue + 1
        stringStyle = style.rawValue + 1
        contentSkip = UInt8(truncatingIfNeeded: contentStart - valueLocation.offset)
        key = .none
        span = PackedSpan(valueLocation, end: valueEnd)
        self.rawContent = rawContent.map(RawContent.init)
    }

    /// Source facts: the defining construct and the spans and positions of key and value.
    public var origin: TOMLOrigin? {
        get {
            guard let definition else { return nil }
            return TOMLOrigin(definition: definition, stringStyle: stringStyle, contentSkip: contentSkip, key: key,
                              value: span, rawContent: rawContent?.text)
        }
        set {
            self = TOMLNode(value, origin: newValue)
        }
    }

    /// The origin's definition without building the whole origin (the parser's hot path).
    var definition: TOMLOrigin.Definition? {
        originTag == 0 ? nil : TOMLOrigin.Definition(rawValue: originTag - 1)
    }

    /// The value's byte span, if the node has an origin.
    var valueSpan: Range<Int>? { originTag == 0 ? nil : span.span }

    /// Records the key that names this node.
    mutating func setKey(_ location: SourceLocation, end: Int) {
        key = PackedSpan(location, end: end)
    }

    /// Where the key naming this node starts (nil for array elements and built nodes).
    public var keyLocation: SourceLocation? { originTag == 0 || key.isNone ? nil : key.location }

    /// Where the value starts: the first byte of a literal value, the `[` of a table header,
    /// or the key that implicitly created a table.
    public var valueLocation: SourceLocation? { originTag == 0 ? nil : span.location }

    /// Maps a UTF-8 offset inside the decoded string back to the source, so an error found
    /// in a string's content (a regex, a template) can point at the file. Escapes are
    /// accounted for: an offset inside an escape's output maps to the escape's backslash.
    public func sourceLocation(forContentOffset offset: Int) -> SourceLocation? {
        guard case .string(let decoded) = value, let source = origin?.string else { return nil }
        return source.location(forContentOffset: offset, decoded: decoded)
    }

    /// Column form of `sourceLocation(forContentOffset:)` for single-line strings.
    public func sourceColumn(forContentOffset offset: Int) -> Int? {
        sourceLocation(forContentOffset: offset)?.column
    }

    public static func == (lhs: TOMLNode, rhs: TOMLNode) -> Bool { lhs.value == rhs.value }
}

/// The raw text of an escaped or multi-line string, boxed because few strings need it and
/// an inline `String?` would cost every node 16 bytes.
final class RawContent: Sendable {
    let text: String
    init(_ text: String) { self.text = text }
}

/// Source facts for a parsed node: which construct defined it and the byte spans and
/// positions of its key and value (32-bit fields; documents are limited to 2 GiB). Nodes
/// keep these fields flat and build this view on access.
public struct TOMLOrigin: Sendable, Hashable {
    /// The construct that brought the node into existence.
    public enum Definition: UInt8, Sendable, Hashable {
        /// Written literally: `key = value`, an array element or an inline-table member.
        case value
        /// A table defined by a `[header]`.
        case tableHeader
        /// One element of an array of tables, defined by its `[[header]]`.
        case arrayOfTablesHeader
        /// An array of tables as a whole; its positions are those of the first `[[header]]`.
        case arrayOfTables
        /// A table created implicitly by a dotted key (`a.b = 1` creates `a`).
        case dottedKey
        /// A table created implicitly by a header (`[a.b]` creates `a`).
        case implicitByHeader
    }

    public var definition: Definition
    /// 0 when the value is not a string, else 1 + `TOMLStringSource.Style` raw value.
    fileprivate var stringStyle: UInt8
    /// Bytes from the value's start to the string content (quotes plus a dropped newline).
    fileprivate var contentSkip: UInt8
    fileprivate var key: PackedSpan
    fileprivate var value: PackedSpan
    fileprivate var rawContent: String?

    fileprivate init(definition: Definition, stringStyle: UInt8, contentSkip: UInt8, key: PackedSpan,
                     value: PackedSpan, rawContent: String?)
    {
        self.definition = definition
        self.stringStyle = stringStyle
        self.contentSkip = contentSkip
        self.key = key
        self.value = value
        self.rawContent = rawContent
    }

    public init(definition: Definition, keyLocation: SourceLocation?, keySpan: Range<Int>?,
                valueLocation: SourceLocation, valueSpan: Range<Int>, string: TOMLStringSource? = nil)
    {
        let key = keyLocation.map { PackedSpan($0, end: keySpan?.upperBound ?? $0.offset) } ?? .none
        let value = PackedSpan(valueLocation, end: valueSpan.upperBound)
        if let string {
            self.init(definition: definition, stringStyle: string.style.rawValue + 1,
                      contentSkip: UInt8(truncatingIfNeeded: max(0, string.contentStart.offset - valueLocation.offset)),
                      key: key, value: value, rawContent: string.rawContent)
        } else {
            self.init(definition: definition, stringStyle: 0, contentSkip: 0, key: key, value: value, rawContent: nil)
        }
    }

    /// Where the key starts (the last component of a dotted key or header).
    public var keyLocation: SourceLocation? {
        get { key.isNone ? nil : key.location }
        set { key = newValue.map { PackedSpan($0, end: key.isNone ? $0.offset : Int(key.end)) } ?? .none }
    }

    /// Bytes of the key as written, quotes included.
    public var keySpan: Range<Int>? {
        get { key.isNone ? nil : key.span }
        set {
            guard let newValue, !key.isNone else { return }
            key.end = Int32(truncatingIfNeeded: newValue.upperBound)
        }
    }

    public var valueLocation: SourceLocation { value.location }

    /// Bytes of the value text; for header tables the header, for implicit tables the key.
    public var valueSpan: Range<Int> { value.span }

    /// Present for string values: how the string was written.
    public var string: TOMLStringSource? {
        get {
            guard stringStyle > 0, let style = TOMLStringSource.Style(rawValue: stringStyle - 1) else { return nil }
            let start = value.location
            let contentOffset = start.offset + Int(contentSkip)
            // The opening quotes are ASCII, so the content starts on the same line a few
            // columns on, or at column 1 of the next line when a leading newline was dropped.
            let content = contentSkip <= 3
                ? SourceLocation(offset: contentOffset, line: start.line, column: start.column + Int(contentSkip))
                : SourceLocation(offset: contentOffset, line: start.line + 1, column: 1)
            return TOMLStringSource(style: style, contentStart: content, rawContent: rawContent)
        }
        set {
            guard let newValue else {
                stringStyle = 0
                rawContent = nil
                return
            }
            stringStyle = newValue.style.rawValue + 1
            contentSkip = UInt8(truncatingIfNeeded: max(0, newValue.contentStart.offset - Int(value.offset)))
            rawContent = newValue.rawContent
        }
    }
}

/// A location plus the end of its span in 32-bit fields; offset -1 means "none".
struct PackedSpan: Sendable, Hashable {
    var offset: Int32
    var end: Int32
    var line: Int32
    var column: Int32

    static let none = PackedSpan(offset: -1, end: -1, line: 0, column: 0)

    init(offset: Int32, end: Int32, line: Int32, column: Int32) {
        self.offset = offset
        self.end = end
        self.line = line
        self.column = column
    }

    init(_ location: SourceLocation, end: Int) {
        offset = Int32(truncatingIfNeeded: location.offset)
        self.end = Int32(truncatingIfNeeded: max(end, location.offset))
        line = Int32(truncatingIfNeeded: location.line)
        column = Int32(truncatingIfNeeded: location.column)
    }

    var isNone: Bool { offset < 0 }
    var location: SourceLocation { SourceLocation(offset: Int(offset), line: Int(line), column: Int(column)) }
    var span: Range<Int> { Int(offset)..<Int(end) }
}

/// How a string value was written, enough to map offsets in its decoded content back to
/// the file. `rawContent` is kept only when decoding is not the identity (escapes, line
/// breaks); otherwise the decoded string itself is the source text.
public struct TOMLStringSource: Sendable, Hashable {
    public enum Style: UInt8, Sendable, Hashable {
        case basic
        case literal
        case multilineBasic
        case multilineLiteral

        /// Literal strings have no escapes: a regex written in one is exactly its content.
        public var isLiteral: Bool { self == .literal || self == .multilineLiteral }
    }

    public var style: Style
    /// First byte of the content, after the opening quotes (and after the newline that a
    /// multi-line string may start with, which is not part of the content).
    public var contentStart: SourceLocation
    var rawContent: String?

    init(style: Style, contentStart: SourceLocation, rawContent: String?) {
        self.style = style
        self.contentStart = contentStart
        self.rawContent = rawContent
    }

    /// See `TOMLNode.sourceLocation(forContentOffset:)`.
    public func location(forContentOffset target: Int, decoded: String) -> SourceLocation {
        let target = max(0, target)
        guard let rawContent else {
            // Raw text equals the decoded text and has no line break: count scalars.
            var column = contentStart.column
            var consumed = 0
            for scalar in decoded.unicodeScalars {
                let width = UTF8.width(scalar)
                if consumed + width > target { break }
                consumed += width
                column += 1
            }
            return SourceLocation(offset: contentStart.offset + consumed, line: contentStart.line, column: column)
        }
        return StringContentMap(raw: Array(rawContent.utf8), style: style, start: contentStart)
            .location(forDecodedOffset: target)
    }
}

/// Re-walks the raw content of a string, decoding as the parser did, to relate decoded
/// byte offsets to raw ones.
private struct StringContentMap {
    let raw: [UInt8]
    let style: TOMLStringSource.Style
    let start: SourceLocation

    func location(forDecodedOffset target: Int) -> SourceLocation {
        var rawIndex = 0
        var decoded = 0
        while rawIndex < raw.count {
            let (rawLength, decodedLength) = unit(at: rawIndex)
            if decoded + decodedLength > target { break }
            decoded += decodedLength
            rawIndex += rawLength
        }
        return locate(rawIndex)
    }

    /// Length in raw bytes and in decoded bytes of the unit starting at `index`.
    private func unit(at index: Int) -> (Int, Int) {
        let byte = raw[index]
        if byte == 0x0D, index + 1 < raw.count, raw[index + 1] == 0x0A { return (2, 1) }
        guard byte == UInt8(ascii: "\\"), !style.isLiteral, index + 1 < raw.count else {
            return (1, 1)
        }
        let escape = raw[index + 1]
        switch escape {
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = escape == UInt8(ascii: "u") ? 4 : 8
            var scalar: UInt32 = 0
            var position = index + 2
            while position < min(index + 2 + digits, raw.count) {
                scalar = scalar &* 16 &+ UInt32(hexValue(raw[position]) ?? 0)
                position += 1
            }
            let width = Unicode.Scalar(scalar).map { UTF8.width($0) } ?? 1
            return (2 + digits, width)
        case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0A, 0x0D:
            // Line-ending backslash: it and all following whitespace decode to nothing.
            var position = index + 1
            while position < raw.count,
                  raw[position] == 0x20 || raw[position] == 0x09 || raw[position] == 0x0A || raw[position] == 0x0D
            {
                position += 1
            }
            return (position - index, 0)
        default:
            return (2, 1)
        }
    }

    private func locate(_ rawIndex: Int) -> SourceLocation {
        var line = start.line
        var column = start.column
        var index = 0
        while index < rawIndex, index < raw.count {
            if raw[index] == 0x0A {
                line += 1
                column = 1
            } else if raw[index] & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return SourceLocation(offset: start.offset + rawIndex, line: line, column: column)
    }
}

func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x41...0x46: return byte - 0x41 + 10
    case 0x61...0x66: return byte - 0x61 + 10
    default: return nil
    }
}
