import Providers

/// Scores how demanding a request is, 0 (trivial: a short question, no tools) to 9 (hard: a
/// long multi-part task with code, tools and reasoning). Right-sizing uses it to find calls a
/// cheaper model would serve: the score is built from what the prompt visibly asks for, one
/// point per signal, so a recommendation can show why a call scored as it did.
public enum ComplexityScorer {
    public struct Signals: Sendable, Equatable {
        public var longPrompt = false        // > 2,000 prompt tokens
        public var veryLongPrompt = false    // > 20,000 prompt tokens
        public var tools = false             // tool definitions or tool traffic
        public var code = false              // code blocks or source-like text in the query
        public var longConversation = false  // > 10 messages
        public var reasoning = false         // asks to analyse, prove, plan, compare, debug...
        public var structuredOutput = false  // asks for JSON/schema/table output
        public var multiPart = false         // several numbered steps or questions
        public var largeOutput = false       // output cap above 4,000 tokens

        public var score: Int {
            [longPrompt, veryLongPrompt, tools, code, longConversation, reasoning, structuredOutput, multiPart, largeOutput]
                .filter { $0 }.count
        }
    }

    static let reasoningWords: [StaticString] = ["analyze", "analyse", "prove", "derive", "plan", "compare", "debug", "refactor",
                                 "architecture", "optimi", "step by step", "reason", "evaluate", "trade-off", "tradeoff"]
    static let structuredWords: [StaticString] = ["json", "schema", "yaml", "table", "csv", "xml"]

    public static func signals(content: PromptContent, promptTokens: Int, maxOutputTokens: Int64?) -> Signals {
        var signals = Signals()
        signals.longPrompt = promptTokens > 2_000
        signals.veryLongPrompt = promptTokens > 20_000
        signals.tools = content.segments.contains { $0.kind != .text }
        signals.longConversation = content.messageCount > 10
        signals.largeOutput = (maxOutputTokens ?? 0) > 4_000
        let queryIndex = content.lastUserMessageIndex
        let query = content.segments.filter { $0.messageIndex == queryIndex && $0.role == .user }.map(\.text).joined(separator: "\n")
        // Byte searches: Foundation's locale-aware `contains` cost more than the rest of the
        // request analysis together, and every word here is ASCII.
        let lower = Array(query.lowercased().utf8)
        let has = { (word: StaticString) in ByteSearch.contains(lower, word) }
        signals.code = has("```") || has("func ") || has("def ") || has("class ") || has("#include") || has("{\n") || has("};")
        signals.reasoning = reasoningWords.contains(where: has)
        signals.structuredOutput = structuredWords.contains(where: has)
        let numbered = query.split(separator: "\n").filter { line in
            let trimmed = line.drop { $0 == " " }
            return trimmed.first?.isNumber == true && (trimmed.dropFirst().first == "." || trimmed.dropFirst().first == ")")
        }.count
        signals.multiPart = numbered >= 3 || query.filter { $0 == "?" }.count >= 3
        return signals
    }
}
