import Patterns

/// Courtesy phrases that add tokens and no instruction. Models follow "Summarise this" as
/// well as "Could you please kindly summarise this, thank you!", so the difference is waste.
/// The list keeps to phrases that are filler wherever they appear; words with a second,
/// meaningful use are matched only in their filler form ("thanks" but not "thanks to",
/// "kindly" only opening a sentence, "as an AI" only as the disclaimer before a comma).
public enum PoliteFiller {
    /// Filler phrases, matched case-insensitively as whole words, with straight or curly
    /// apostrophes; a comma or exclamation mark right after is part of the filler.
    public static let phrases = [
        // Requests wrapped in courtesy (longest first: the first alternative that matches wins).
        "i would really appreciate it if you could", "i would appreciate it if you could",
        "i'd appreciate it if you could", "i was wondering if you could", "would you be so kind as to",
        "i would like you to", "i'd like you to", "i want you to",
        "could you please", "could you kindly", "can you please", "can you kindly",
        "would you please", "would you kindly", "would you mind", "if you don't mind",
        "if it's not too much trouble", "sorry to bother you",
        // Thanks and greetings.
        "thank you so much", "thank you very much", "thank you in advance", "thanks in advance",
        "thanks so much", "thanks a lot", "thank you", "many thanks", "much appreciated",
        "i really appreciate it", "i appreciate it", "i appreciate your help",
        "i hope this message finds you well", "i hope you are doing well", "i hope you're doing well",
        "i hope this helps", "hope this helps", "hello there", "hi there",
        // Boilerplate a model adds to its own turns, replayed in the history.
        "great question", "that's a great question",
        // Single words last.
        "please", "pls", "plz",
    ]

    static let pattern: CompiledPattern? = {
        var alternatives = phrases.map { phrase in
            phrase.split(separator: " ").map { word in
                word.map { $0 == "'" ? "['’]" : String($0) }.joined()
            }.joined(separator: "\\s+")
        }
        // Forms that need context to be filler.
        alternatives.append("thanks(?!\\s+to\\b)")
        alternatives.append("(?:^|(?<=[.!?:]\\s))kindly")
        alternatives.append("as\\s+an\\s+ai(?:\\s+language\\s+model|\\s+model|\\s+assistant)?(?=\\s*,)")
        alternatives.append("as\\s+a\\s+large\\s+language\\s+model(?=\\s*,)")
        let body = alternatives.joined(separator: "|")
        return try? CompiledPattern("(?m)(?<![\\p{L}\\p{N}])(?:\(body))(?![\\p{L}\\p{N}])(?:\\s*[,!])?", caseInsensitive: true)
    }()

    /// UTF-8 byte ranges of the filler in `text`, each widened to the space before it (removing
    /// the phrase removes that space too).
    public static func ranges(in text: String) -> [Range<Int>] {
        guard let pattern else { return [] }
        let found = pattern.matches(in: text, limit: 1_000)
        guard !found.isEmpty else { return [] }
        let utf8 = text.utf8
        return found.map { range in
            guard range.lowerBound > 0 else { return range }
            let before = utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound - 1)]
            return before == 0x20 ? (range.lowerBound - 1)..<range.upperBound : range
        }
    }
}
