/// One logical line of a document as written: a blank line, a comment, a key/value pair
/// (which may span lines when its value is a multi-line string or array) or a table header.
/// Statement spans tile the document, so concatenating them gives back every byte.
public struct TOMLStatement: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case blank
        case comment
        case keyValue
        case table
        case arrayOfTables
    }

    public var kind: Kind
    // 32-bit storage: one statement per line makes their size matter for large files.
    private var start: Int32
    private var end: Int32
    private var keyStart: Int32 = -1
    private var keyEnd: Int32 = -1
    private var valueStart: Int32 = -1
    private var valueEnd: Int32 = -1
    private var commentStart: Int32 = -1
    private var commentEnd: Int32 = -1
    private var contentOffset: Int32

    init(kind: Kind, span: Range<Int>, keySpan: Range<Int>?, valueSpan: Range<Int>?, commentSpan: Range<Int>?,
         contentStart: Int)
    {
        self.kind = kind
        start = Int32(truncatingIfNeeded: span.lowerBound)
        end = Int32(truncatingIfNeeded: span.upperBound)
        if let keySpan {
            keyStart = Int32(truncatingIfNeeded: keySpan.lowerBound)
            keyEnd = Int32(truncatingIfNeeded: keySpan.upperBound)
        }
        if let valueSpan {
            valueStart = Int32(truncatingIfNeeded: valueSpan.lowerBound)
            valueEnd = Int32(truncatingIfNeeded: valueSpan.upperBound)
        }
        if let commentSpan {
            commentStart = Int32(truncatingIfNeeded: commentSpan.lowerBound)
            commentEnd = Int32(truncatingIfNeeded: commentSpan.upperBound)
        }
        contentOffset = Int32(truncatingIfNeeded: contentStart)
    }

    /// The whole statement: leading whitespace through the line ending (if any).
    public var span: Range<Int> { Int(start)..<Int(end) }

    /// The key as written (dotted keys included); for headers, the key between the brackets.
    public var keySpan: Range<Int>? { keyStart < 0 ? nil : Int(keyStart)..<Int(keyEnd) }

    /// The value of a key/value pair; for headers, the bracketed header itself.
    public var valueSpan: Range<Int>? { valueStart < 0 ? nil : Int(valueStart)..<Int(valueEnd) }

    /// A `#` comment on this line, up to the line ending.
    public var commentSpan: Range<Int>? { commentStart < 0 ? nil : Int(commentStart)..<Int(commentEnd) }

    /// Offset of the first non-blank character (the line ending for blank lines). Use
    /// `TOMLDocument.location(ofOffset:)` for its line and column; they are not stored
    /// because a statement per line makes every stored byte count.
    public var contentStart: Int { Int(contentOffset) }

    public var isHeader: Bool { kind == .table || kind == .arrayOfTables }
}
