/// A parsed TOML file that keeps its exact text. `text` reproduces the input byte for byte;
/// `statements` describe its layout (headers, key/values, comments, blank lines) and `root`
/// is the resolved value tree with source positions. Edits (see DocumentEditor.swift) splice
/// the text and re-parse, so the three views always agree.
public struct TOMLDocument: Sendable, Equatable, CustomStringConvertible {
    public private(set) var bytes: [UInt8]
    public private(set) var statements: [TOMLStatement]
    public private(set) var root: TOMLTable

    /// Parses `text`. Throws a `TOMLError` pointing at the first problem.
    public init(parsing text: String) throws(TOMLError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses raw file contents; invalid UTF-8 is reported as an error, not repaired.
    public init(parsing bytes: [UInt8]) throws(TOMLError) {
        let output = try bytes.withUnsafeBufferPointer { (buffer) throws(TOMLError) -> Parser.Output in
            try Parser.parse(buffer)
        }
        self.bytes = bytes
        statements = output.statements
        root = output.root
    }

    /// An empty document, ready for edits.
    public init() {
        bytes = []
        statements = []
        root = TOMLTable()
    }

    /// The document as text, identical to the parsed input plus any edits.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { text }

    /// The root table as a value, for code that walks `TOMLValue`s.
    public var rootValue: TOMLValue { .table(root) }

    /// Located node at `path` (`["servers", 0, "port"]`).
    public func node(at path: TOMLPath) -> TOMLNode? { root.node(at: path) }

    /// Value at `path`.
    public func value(at path: TOMLPath) -> TOMLValue? { root.value(at: path) }

    /// The source text of a span, e.g. a statement's `span` or `commentSpan`.
    public func text(of span: Range<Int>) -> String {
        let clamped = span.clamped(to: 0..<bytes.count)
        return String(decoding: bytes[clamped], as: UTF8.self)
    }

    /// Line and column of a byte offset (for statements, whose positions are stored as
    /// offsets only). Scans from the start, so it is meant for occasional use.
    public func location(ofOffset offset: Int) -> SourceLocation {
        bytes.withUnsafeBufferPointer { LocationCursor.locate(offset, in: $0) }
    }

    /// Documents are equal when their text is.
    public static func == (lhs: TOMLDocument, rhs: TOMLDocument) -> Bool { lhs.bytes == rhs.bytes }
}
