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

    /// The signals read from words in the query: each one's index is its group in `signalWords`.
    enum WordSignal: Int {
        case code, reasoning, structuredOutput
    }

    /// The words behind each `WordSignal`, in the order of its cases.
    static let signalWords = SignalWords([
        ["```", "func ", "def ", "class ", "#include", "{\n", "};"],
        ["analyze", "analyse", "prove", "derive", "plan", "compare", "debug", "refactor", "architecture", "optimi",
         "step by step", "reason", "evaluate", "trade-off", "tradeoff"],
        ["json", "schema", "yaml", "table", "csv", "xml"],
    ])

    public static func signals(content: PromptContent, promptTokens: Int, maxOutputTokens: Int64?) -> Signals {
        var signals = Signals()
        signals.longPrompt = promptTokens > 2_000
        signals.veryLongPrompt = promptTokens > 20_000
        signals.tools = content.segments.contains { $0.kind != .text }
        signals.longConversation = content.messageCount > 10
        signals.largeOutput = (maxOutputTokens ?? 0) > 4_000
        let query = lowercasedQuery(content)
        let words = signalWords.find(in: query)
        signals.code = words.contains(WordSignal.code.rawValue)
        signals.reasoning = words.contains(WordSignal.reasoning.rawValue)
        signals.structuredOutput = words.contains(WordSignal.structuredOutput.rawValue)
        signals.multiPart = numberedLines(query) >= 3 || query.lazy.filter { $0 == UInt8(ascii: "?") }.count >= 3
        return signals
    }

    /// The last user message's text, lower-cased in ASCII. Every signal word is ASCII, so
    /// bytes serve: Unicode lower-casing and `Character` iteration cost more here than the
    /// rest of the request analysis together.
    static func lowercasedQuery(_ content: PromptContent) -> [UInt8] {
        let queryIndex = content.lastUserMessageIndex
        var query: [UInt8] = []
        var first = true
        for segment in content.segments where segment.messageIndex == queryIndex && segment.role == .user {
            if !first { query.append(UInt8(ascii: "\n")) }
            first = false
            query.append(contentsOf: segment.text.utf8)
        }
        for index in query.indices { query[index] = query[index].asciiLowercased }
        return query
    }

    /// Lines that start (after spaces) with a one-character number and "." or ")": "1.", "2)".
    static func numberedLines(_ query: [UInt8]) -> Int {
        var count = 0
        var lineStart = query.startIndex
        while lineStart < query.endIndex {
            let lineEnd = query[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? query.endIndex
            let line = query[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            let trimmed = line.drop { $0 == UInt8(ascii: " ") }
            guard let head = trimmed.first else { continue }
            let rest: ArraySlice<UInt8>
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(head) {
                rest = trimmed.dropFirst()
            } else if head >= 0x80 {
                // A number that is not ASCII ("١", "½"): one Character, however many bytes.
                let text = String(decoding: trimmed.prefix(8), as: UTF8.self)
                guard let character = text.first, character.isNumber else { continue }
                rest = trimmed.dropFirst(String(character).utf8.count)
            } else {
                continue
            }
            if rest.first == UInt8(ascii: ".") || rest.first == UInt8(ascii: ")") { count += 1 }
        }
        return count
    }
}
