import TOML

/// Collects the diagnostics of one compilation, in the order they were found.
final class DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []

    func error(_ file: String, _ location: SourceLocation?, _ code: String, _ message: String) {
        add(file, location, .error, code, message)
    }

    func warning(_ file: String, _ location: SourceLocation?, _ code: String, _ message: String) {
        add(file, location, .warning, code, message)
    }

    func add(_ file: String, _ location: SourceLocation?, _ severity: Diagnostic.Severity, _ code: String, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: location?.line ?? 1, column: location?.column ?? 1,
                                      severity: severity, code: code, message: message))
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
