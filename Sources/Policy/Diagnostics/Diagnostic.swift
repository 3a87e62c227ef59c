/// A finding about a config or policy file, positioned at the key or value it concerns.
/// Rendered as `file:line:col: severity: code: message` by `tokenlens check` and returned as
/// JSON by a rejected `PUT /api/config/*`.
public struct Diagnostic: Sendable, Equatable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .warning && rhs == .error
        }
    }

    public var file: String
    public var line: Int
    public var column: Int
    public var severity: Severity
    /// A stable, kebab-case identifier (`unknown-key`, `alias-cycle`, ...), for tools and docs.
    public var code: String
    public var message: String

    public init(file: String, line: Int, column: Int, severity: Severity, code: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.code = code
        self.message = message
    }

    /// `file:line:col: severity: code: message`
    public var formatted: String {
        "\(file):\(line):\(column): \(severity.rawValue): \(code): \(message)"
    }
}
