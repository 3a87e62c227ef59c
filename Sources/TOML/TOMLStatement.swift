/// One logical line of a document as written: a blank line, a comment, a key/value pair
/// (which may span lines when its value is a multi-line string or array) or a table header.
/// Statement spans tile the document, so concatenating them gives back every byte.
public struct TOMLStatement: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        case blank
        case comment
        case keyValue
        case table
        case arrayOfTables
    }

    public var kind: Kind
    // 32-bit fields and derived values keep a statement at 32 bytes: a large file has one
    // per line, and their memory is a visible share of parse time.
    /// Bytes of the line ending that closes the statement (0, 1 for LF, 2 for CRLF).
    private var lineEndingLength: UInt8
    private var start: Int32
    private var end: Int32
    private var keyStart: Int32
    private var keyEnd: Int32
    private var valueStart: Int32
    private var valueEnd: Int32
    private var commentStart: Int32

    init(kind: Kind, span: Range<Int>, keySpan: Range<Int>?, valueSpan: Range<Int>?, commentSpan: Range<Int>?,
         lineEndingLength: Int)
    {
        self.kind = kind
        self.lineEndingLength = UInt8(truncatingIfNeeded: lineEndingLength)
        start = Int32(truncatingIfNeeded: span.lowerBound)
        end = Int32(truncatingIfNeeded: span.upperBound)
        keyStart = keySpan.map { Int32(truncatingIfNeeded: $0.lowerBound) } ?? -1
        keyEnd = keySpan.map { Int32(truncatingIfNeeded: $0.upperBound) } ?? -1
        valueStart = valueSpan.map { Int32(truncatingIfNeeded: $0.lowerBound) } ?? -1
        valueEnd = valueSpan.map { Int32(truncatingIfNeeded: $0.upperBound) } ?? -1
        commentStart = commentSpan.map { Int32(truncatingIfNeeded: $0.lowerBound) } ?? -1
    }

    /// The whole statement: leading whitespace through the line ending (if any).
    public var span: Range<Int> { Int(start)..<Int(end) }

    /// The key as written (dotted keys included); for headers, the key between the brackets.
    public var keySpan: Range<Int>? { keyStart < 0 ? nil : Int(keyStart)..<Int(keyEnd) }

    /// The value of a key/value pair; for headers, the bracketed header itself.
    public var valueSpan: Range<Int>? { valueStart < 0 ? nil : Int(valueStart)..<Int(valueEnd) }

    /// A `#` comment on this line, up to the line ending.
    public var commentSpan: Range<Int>? {
        commentStart < 0 ? nil : Int(commentStart)..<(Int(end) - Int(lineEndingLength))
    }

    /// Offset of the first non-blank character (the line ending for blank lines). Use
    /// `TOMLDocument.location(ofOffset:)` for its line and column.
    public var contentStart: Int {
        switch kind {
        case .blank: return Int(end) - Int(lineEndingLength)
        case .comment: return Int(commentStart)
        case .keyValue: return Int(keyStart)
        case .table, .arrayOfTables: return Int(valueStart)
        }
    }

    public var isHeader: Bool { kind == .table || kind == .arrayOfTables }
}
