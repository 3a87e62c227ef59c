import Patterns

/// Finds documents pasted into system or user text the way retrieval pipelines and agents
/// inject them: wrapped in a tag such as `<document>`, `<context>`, `<file path=…>`,
/// `<search_results>` or Claude Code's `<system-reminder>`. Their tokens are context, not
/// instructions or the question. Plain pasted text without a wrapper cannot be told apart.
public enum InjectedDocuments {
    /// Wrapper tags recognised (case-insensitive; attributes allowed; must be closed).
    public static let tags = [
        "document", "documents", "doc", "context", "file", "files", "attachment", "attachments",
        "search_results", "search_result", "source", "sources", "retrieved_context", "retrieved_documents",
        "knowledge", "reference", "references", "excerpt", "transcript", "system-reminder",
    ]

    static let pattern: CompiledPattern? = {
        // Tag names hold only letters, "_" and "-", none of which is special outside a class.
        let names = tags.joined(separator: "|")
        return try? CompiledPattern("(?s)<(\(names))(?:\\s[^>]*)?>.*?</\\1\\s*>", caseInsensitive: true)
    }()

    /// The UTF-8 byte ranges of the wrapped documents in `text`, outermost first.
    public static func ranges(in text: String) -> [Range<Int>] {
        guard let pattern, text.utf8.contains(0x3C) else { return [] }
        return pattern.matches(in: text, limit: 256)
    }
}
