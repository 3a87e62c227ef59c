import Foundation

/// Renders diagnostics for people (compiler style, with the offending line and a caret), for
/// machines (JSON) and for GitHub Actions (workflow annotation commands).
public enum DiagnosticRenderer {
    public enum Format: String, Sendable, CaseIterable {
        case human
        case json
        case github
    }

    /// - Parameter sources: file path → contents, to quote the offending line.
    public static func render(_ diagnostics: [Diagnostic], format: Format, sources: [String: [UInt8]]) -> String {
        switch format {
        case .human: return human(diagnostics, sources: sources)
        case .json: return json(diagnostics)
        case .github: return github(diagnostics)
        }
    }

    static func human(_ diagnostics: [Diagnostic], sources: [String: [UInt8]]) -> String {
        var out = ""
        for diagnostic in diagnostics {
            out += diagnostic.formatted + "\n"
            if let bytes = sources[diagnostic.file], let line = line(diagnostic.line, of: bytes) {
                out += "    " + line + "\n"
                // Keep tabs so the caret lines up under tab-indented text.
                let prefix = line.unicodeScalars.prefix(max(0, diagnostic.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
                out += "    " + prefix + "^\n"
            }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        out += diagnostics.isEmpty ? "no problems found\n" : "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        return out
    }

    static func json(_ diagnostics: [Diagnostic]) -> String {
        let items = diagnostics.map { d in
            #"{"file":\#(quoted(d.file)),"line":\#(d.line),"column":\#(d.column),"severity":"\#(d.severity.rawValue)","code":\#(quoted(d.code)),"message":\#(quoted(d.message))}"#
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        return #"{"errors":\#(errors),"warnings":\#(diagnostics.count - errors),"diagnostics":[\#(items.joined(separator: ","))]}"# + "\n"
    }

    static func github(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { d in
            let level = d.severity == .error ? "error" : "warning"
            return "::\(level) file=\(escapeProperty(d.file)),line=\(d.line),col=\(d.column),title=\(escapeProperty(d.code))::\(escapeData(d.message))\n"
        }.joined()
    }

    /// The 1-based `number`th line of `bytes`, without its line ending.
    static func line(_ number: Int, of bytes: [UInt8]) -> String? {
        var current = 1
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            if current == number { return text(bytes[start..<index]) }
            current += 1
            start = index + 1
        }
        return current == number && start <= bytes.count ? text(bytes[start...]) : nil
    }

    private static func text(_ slice: ArraySlice<UInt8>) -> String {
        var line = String(decoding: slice, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20: out += String(format: "\\u%04x", s.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // GitHub workflow command escaping.
    private static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    private static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
