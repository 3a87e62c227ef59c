/// A TOML syntax or semantic error with the place it was found.
/// `line` and `column` are 1-based (columns count Unicode scalars); `offset` is the byte
/// offset into the document. `formatted(file:)` gives the compiler-style one-liner.
public struct TOMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int
    /// What went wrong, phrased so the reader knows what to change.
    public var message: String

    public init(line: Int, column: Int, offset: Int, message: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }

    init(_ message: String, at location: SourceLocation) {
        self.init(line: location.line, column: location.column, offset: location.offset, message: message)
    }

    public var location: SourceLocation { SourceLocation(offset: offset, line: line, column: column) }

    public var description: String { "\(line):\(column): \(message)" }

    /// `file:line:col: error: message`, the format editors and CI logs link to.
    public func formatted(file: String) -> String {
        "\(file):\(line):\(column): error: \(message)"
    }
}
