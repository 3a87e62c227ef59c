import Providers

/// Finds instruction sentences sent more than once: the same sentence (ignoring case,
/// spacing and end punctuation) within the system prompt, across the system prompt and user
/// messages, or across user turns. The first occurrence is needed; every later one is waste.
/// Only the caller's own text counts (system and user); the model's replies, tool results
/// and code blocks repeat themselves for good reasons. Short sentences ("Yes.", "Go on.")
/// are left alone: repeating them is normal and cheap.
public enum RepeatedInstructions {
    /// A repeated sentence: where it is (segment index, UTF-8 byte range) and its text.
    public struct Repeat: Sendable, Equatable {
        public var segment: Int
        public var range: Range<Int>
        public var text: String
    }

    /// A sentence needs this many words and letters to be judged.
    public static let minimumWords = 3
    public static let minimumLetters = 12

    public static func find(in content: PromptContent) -> [Repeat] {
        // Most prompts hold one or two instruction sentences: the set is made for the second.
        var firstKey: String?
        var seen: Set<String> = []
        var repeats: [Repeat] = []
        for (index, segment) in content.segments.enumerated() where isInstruction(segment) {
            let utf8 = Array(segment.text.utf8)
            for range in SentenceSplitter.sentences(in: utf8) {
                guard let key = key(for: utf8[range]) else { continue }
                guard let first = firstKey else {
                    firstKey = key
                    continue
                }
                if seen.isEmpty { seen.insert(first) }
                if !seen.insert(key).inserted {
                    repeats.append(Repeat(segment: index, range: range, text: String(decoding: utf8[range], as: UTF8.self)))
                }
            }
        }
        return repeats
    }

    static func isInstruction(_ segment: PromptSegment) -> Bool {
        segment.kind == .text && (segment.role == .system || segment.role == .user)
    }

    /// The comparison form of a sentence (lowercased, single spaces, no end punctuation), or
    /// nil when it is too short to judge. Works on UTF-8 with an ASCII fast path: prompts are
    /// mostly ASCII, and Unicode property lookups per character would dominate the analysis.
    static func key(for sentence: ArraySlice<UInt8>) -> String? {
        var key: [UInt8] = []
        key.reserveCapacity(sentence.count)
        var words = 0
        var letters = 0
        var wordLength = 0
        var pendingSpace = false
        func endWord() {
            if wordLength >= 2 { words += 1 }
            wordLength = 0
        }
        var index = sentence.startIndex
        while index < sentence.endIndex {
            let byte = sentence[index]
            if byte < 0x80 {
                index += 1
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    pendingSpace = !key.isEmpty
                    endWord()
                    continue
                }
                if pendingSpace { key.append(0x20); pendingSpace = false }
                switch byte {
                case 0x41...0x5A: key.append(byte + 0x20); letters += 1; wordLength += 1
                case 0x61...0x7A: key.append(byte); letters += 1; wordLength += 1
                default: key.append(byte); endWord()
                }
                continue
            }
            // A non-ASCII scalar: decode it, then classify and lowercase by its properties.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            let end = min(index + length, sentence.endIndex)
            var value = UInt32(byte) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
            for continuation in sentence[(index + 1)..<end] { value = value << 6 | UInt32(continuation & 0x3F) }
            index = end
            guard let scalar = Unicode.Scalar(value) else { continue }
            let properties = scalar.properties
            if properties.isWhitespace {
                pendingSpace = !key.isEmpty
                endWord()
                continue
            }
            if pendingSpace { key.append(0x20); pendingSpace = false }
            if properties.isAlphabetic {
                key.append(contentsOf: properties.lowercaseMapping.utf8)
                letters += 1
                // Scripts written without spaces: each ideograph or syllable is word-like.
                if value >= 0x2E80 { words += 1 } else { wordLength += 1 }
            } else {
                key.append(contentsOf: String(scalar).utf8)
                endWord()
            }
        }
        endWord()
        guard words >= minimumWords, letters >= minimumLetters else { return nil }
        trimEndPunctuation(&key)
        return String(decoding: key, as: UTF8.self)
    }

    /// Drops `.`, `!`, `?`, `;`, `:`, `,` and their CJK full-width forms from the end.
    static func trimEndPunctuation(_ key: inout [UInt8]) {
        while let last = key.last {
            if [0x2E, 0x21, 0x3F, 0x3B, 0x3A, 0x2C].contains(last) {
                key.removeLast()
            } else if key.count >= 3, key[key.count - 3] == 0xE3, key[key.count - 2] == 0x80, last == 0x82 {
                key.removeLast(3)
            } else if key.count >= 3, key[key.count - 3] == 0xEF, key[key.count - 2] == 0xBC, last == 0x81 || last == 0x9F {
                key.removeLast(3)
            } else {
                return
            }
        }
    }
}
