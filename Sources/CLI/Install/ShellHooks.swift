import Foundation

/// The lines TokenLens adds to shell start-up files, fenced by markers so that installing
/// twice changes nothing and uninstalling removes exactly what was added.
enum ShellHooks {
    static let begin = "# >>> tokenlens >>>"
    static let end = "# <<< tokenlens <<<"

    /// The text of `file` with the TokenLens block in place (replacing an older one).
    static func installing(block body: String, into text: String) -> String {
        let block = "\(begin)\n\(body)\n\(end)\n"
        var cleaned = removing(from: text)
        if !cleaned.isEmpty && !cleaned.hasSuffix("\n") { cleaned += "\n" }
        return cleaned + block
    }

    /// The text without the TokenLens block (and without the blank line it was given).
    static func removing(from text: String) -> String {
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
            return text
        }
        var upper = stop.upperBound
        if upper < text.endIndex, text[upper] == "\n" { upper = text.index(after: upper) }
        return String(text[..<start.lowerBound]) + String(text[upper...])
    }

    /// `export` lines for POSIX shells.
    static func posixEnvironment(port: Int) -> String {
        environment(port: port).map { "export \($0.0)=\"\($0.1)\"" }.joined(separator: "\n") + "\n"
    }

    /// `set -gx` lines for fish.
    static func fishEnvironment(port: Int) -> String {
        environment(port: port).map { "set -gx \($0.0) \"\($0.1)\"" }.joined(separator: "\n") + "\n"
    }

    /// The base URLs SDKs and agents read (the Gemini SDKs read either name).
    static func environment(port: Int) -> [(String, String)] {
        let base = "http://127.0.0.1:\(port)/proxy"
        return [("ANTHROPIC_BASE_URL", "\(base)/anthropic"), ("OPENAI_BASE_URL", "\(base)/openai/v1"),
                ("GOOGLE_GEMINI_BASE_URL", "\(base)/google"), ("GOOGLE_AI_BASE_URL", "\(base)/google")]
    }
}
