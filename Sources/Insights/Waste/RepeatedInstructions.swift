import Glibc
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
        find(in: content, keys: SentenceKeys())
    }

    static func find(in content: PromptContent, keys: consuming SentenceKeys) -> [Repeat] {
        var repeats: [Repeat] = []
        var keys = keys
        // A form is as long as its sentence (more only for the odd non-ASCII lowercasing).
        keys.reserve(content.segments.reduce(0) { $0 + (isInstruction($1) ? $1.text.utf8.count : 0) })
        for (index, segment) in content.segments.enumerated() where isInstruction(segment) {
            var text = segment.text
            text.withUTF8 { utf8 in
                SentenceSplitter.forEachSentence(in: utf8) { range in
                    guard keys.isRepeat(UnsafeBufferPointer(rebasing: utf8[range])) else { return }
                    repeats.append(Repeat(segment: index, range: range, text: String(decoding: utf8[range], as: UTF8.self)))
                }
            }
        }
        return repeats
    }

    /// The comparison forms of the sentences judged so far, written one after another into
    /// one buffer: a prompt's sentences cost no allocation each, only the buffer's growth (and
    /// a table once there is a second form). Forms are told apart by hash, and by their bytes
    /// when hashes meet.
    struct SentenceKeys {
        /// Forms fill `bytes` up to `used`; the rest is room for the next one.
        private var bytes: [UInt8] = []
        private var used = 0
        private var first: (hash: Int, form: Range<Int>)?
        /// Each later form under its hash; forms whose hash an unequal form already holds go to
        /// `collided` (a 64-bit hash makes that all but impossible, but the answer stays exact).
        private var later: [Int: Range<Int>] = [:]
        private var collided: [(hash: Int, form: Range<Int>)] = []
        private let hashing: (UnsafeRawBufferPointer) -> Int

        /// `hashing` is for tests, which make every form collide.
        init(hashing: @escaping (UnsafeRawBufferPointer) -> Int = Self.hash) {
            self.hashing = hashing
        }

        static func hash(_ form: UnsafeRawBufferPointer) -> Int {
            var hasher = Hasher()
            hasher.combine(bytes: form)
            return hasher.finalize()
        }

        /// Makes room for the forms of `count` bytes of sentences.
        mutating func reserve(_ count: Int) {
            let needed = used + RepeatedInstructions.keyCapacity(for: count)
            if bytes.count < needed {
                bytes.append(contentsOf: repeatElement(0, count: max(needed, 2 * bytes.count) - bytes.count))
            }
        }

        /// Adds a sentence's form; true if an earlier sentence had the same one. Sentences too
        /// short to judge are never repeats.
        mutating func isRepeat(_ sentence: UnsafeBufferPointer<UInt8>) -> Bool {
            reserve(sentence.count)
            let start = used
            let end = bytes.withUnsafeMutableBufferPointer { RepeatedInstructions.writeKey(of: sentence, into: $0, at: start) }
            guard let end else { return false }
            let form = start..<end
            let hash = bytes.withUnsafeBytes { hashing(UnsafeRawBufferPointer(rebasing: $0[form])) }
            guard let first else {
                self.first = (hash, form)
                used = end
                return false
            }
            if first.hash == hash, sameForm(first.form, form) { return true }
            let earlier = later[hash]
            if let earlier, sameForm(earlier, form) { return true }
            if collided.contains(where: { $0.hash == hash && sameForm($0.form, form) }) { return true }
            if first.hash == hash || earlier != nil {
                collided.append((hash, form))
            } else {
                later[hash] = form
            }
            used = end
            return false
        }

        private func sameForm(_ one: Range<Int>, _ other: Range<Int>) -> Bool {
            guard one.count == other.count else { return false }
            return bytes.withUnsafeBytes { buffer in
                memcmp(buffer.baseAddress! + one.lowerBound, buffer.baseAddress! + other.lowerBound, one.count) == 0
            }
        }
    }

    static func isInstruction(_ segment: PromptSegment) -> Bool {
        segment.kind == .text && (segment.role == .system || segment.role == .user)
    }

    /// The comparison form of a sentence (lowercased, single spaces, no end punctuation), or
    /// nil when it is too short to judge: `writeKey` on its own, for tests.
    static func key(for sentence: String) -> String? {
        var sentence = sentence
        return sentence.withUTF8 { utf8 -> String? in
            var key = [UInt8](repeating: 0, count: keyCapacity(for: utf8.count))
            let end = key.withUnsafeMutableBufferPointer { writeKey(of: utf8, into: $0, at: 0) }
            return end.map { String(decoding: key[..<$0], as: UTF8.self) }
        }
    }

    /// Room enough for the form of `count` bytes of sentence. ASCII never grows; a lowercased
    /// letter can (U+0130 becomes "i" and a combining dot, 3 bytes from 2), by half at most.
    static func keyCapacity(for count: Int) -> Int {
        2 * count + 8
    }

    /// Writes the comparison form of `sentence` into `key` from `start` (which must have
    /// `keyCapacity(for: sentence.count)` bytes of room) and returns where it ends, or nil when
    /// the sentence is too short to judge. Works on UTF-8 with an ASCII fast path: prompts are
    /// mostly ASCII, and Unicode property lookups per character would dominate the analysis.
    static func writeKey(of sentence: UnsafeBufferPointer<UInt8>, into key: UnsafeMutableBufferPointer<UInt8>,
                         at start: Int) -> Int? {
        var end = start
        var words = 0
        var letters = 0
        var wordLength = 0
        var pendingSpace = false
        // Never past the room given: the bound above holds for all of Unicode, but a wrong
        // bound must cost a missed repeat, not memory.
        var overflowed = false
        @inline(__always) func put(_ byte: UInt8) {
            guard end < key.count else { overflowed = true; return }
            key[end] = byte
            end += 1
        }
        @inline(__always) func endWord() {
            if wordLength >= 2 { words += 1 }
            wordLength = 0
        }
        var index = sentence.startIndex
        while index < sentence.endIndex {
            let byte = sentence[index]
            if byte < 0x80 {
                index += 1
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    pendingSpace = end > start
                    endWord()
                    continue
                }
                if pendingSpace { put(0x20); pendingSpace = false }
                if byte &- 0x41 < 26 {
                    put(byte + 0x20); letters += 1; wordLength += 1
                } else if byte &- 0x61 < 26 {
                    put(byte); letters += 1; wordLength += 1
                } else {
                    put(byte); endWord()
                }
                continue
            }
            // A non-ASCII scalar: decode it, then classify and lowercase by its properties.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            let scalarEnd = min(index + length, sentence.endIndex)
            var value = UInt32(byte) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
            for continuation in sentence[(index + 1)..<scalarEnd] { value = value << 6 | UInt32(continuation & 0x3F) }
            index = scalarEnd
            guard let scalar = Unicode.Scalar(value) else { continue }
            let properties = scalar.properties
            if properties.isWhitespace {
                pendingSpace = end > start
                endWord()
                continue
            }
            if pendingSpace { put(0x20); pendingSpace = false }
            if properties.isAlphabetic {
                for byte in properties.lowercaseMapping.utf8 { put(byte) }
                letters += 1
                // Scripts written without spaces: each ideograph or syllable is word-like.
                if value >= 0x2E80 { words += 1 } else { wordLength += 1 }
            } else {
                for byte in String(scalar).utf8 { put(byte) }
                endWord()
            }
        }
        endWord()
        guard words >= minimumWords, letters >= minimumLetters, !overflowed else { return nil }
        return trimmingEndPunctuation(key, from: start, to: end)
    }

    /// Where the form in `key[start..<end]` ends without its final `.`, `!`, `?`, `;`, `:`, `,`
    /// and their CJK full-width forms.
    static func trimmingEndPunctuation(_ key: UnsafeMutableBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var end = end
        while end > start {
            let last = key[end - 1]
            if last == 0x2E || last == 0x21 || last == 0x3F || last == 0x3B || last == 0x3A || last == 0x2C {
                end -= 1
            } else if end - start >= 3, key[end - 3] == 0xE3, key[end - 2] == 0x80, last == 0x82 {
                end -= 3
            } else if end - start >= 3, key[end - 3] == 0xEF, key[end - 2] == 0xBC, last == 0x81 || last == 0x9F {
                end -= 3
            } else {
                break
            }
        }
        return end
    }
}
