/// The UTF-8 bytes a detector validates a match against, with enough text on either side of
/// it to check word boundaries and nearby keywords. For a stream it is only the retained
/// window: `origin` says where `bytes[0]` sits in the whole output.
struct ScanText {
    let bytes: [UInt8]
    let origin: Int

    init(bytes: [UInt8], origin: Int = 0) {
        self.bytes = bytes
        self.origin = origin
    }

    init(_ string: String) {
        self.init(bytes: Array(string.utf8))
    }

    /// The byte at `index`, or nil outside the bytes held.
    @inline(__always)
    subscript(index: Int) -> UInt8? {
        index >= 0 && index < bytes.count ? bytes[index] : nil
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0..<bytes.count)], as: UTF8.self)
    }

    /// The byte before `index`, reading a JSON escape (`\n`, `\t`, `\r`, as tool-call arguments
    /// and serialized tool results carry them) as the whitespace it stands for.
    func previous(_ index: Int) -> UInt8? {
        guard let byte = self[index - 1] else { return nil }
        if byte == UInt8(ascii: "n") || byte == UInt8(ascii: "t") || byte == UInt8(ascii: "r"),
           self[index - 2] == UInt8(ascii: "\\"), self[index - 3] != UInt8(ascii: "\\") {
            return UInt8(ascii: " ")
        }
        return byte
    }

    /// The byte at `index` (just past a match), reading a JSON escape as whitespace.
    func next(_ index: Int) -> UInt8? {
        guard let byte = self[index] else { return nil }
        if byte == UInt8(ascii: "\\"), let escaped = self[index + 1],
           escaped == UInt8(ascii: "n") || escaped == UInt8(ascii: "t") || escaped == UInt8(ascii: "r") {
            return UInt8(ascii: " ")
        }
        return byte
    }

    /// Up to `count` words (ASCII letters only, lowercased) before `index`, nearest first,
    /// looking back at most `maxBytes`. Used for context such as "order" or "phone".
    func precedingWords(before index: Int, count: Int = 3, maxBytes: Int = 40) -> [String] {
        var words: [String] = []
        var cursor = index - 1
        let limit = max(index - maxBytes, 0)
        while cursor >= limit, words.count < count {
            // Skip what separates words: spaces and punctuation such as `:` `#` `.` `(`.
            while cursor >= limit, let byte = self[cursor], !ByteClass.isLetter(byte) {
                if ByteClass.isDigit(byte) { return words }
                cursor -= 1
            }
            var end = cursor + 1
            while cursor >= limit, let byte = self[cursor], ByteClass.isLetter(byte) { cursor -= 1 }
            if end > cursor + 1 {
                end = min(end, bytes.count)
                words.append(String(decoding: bytes[(cursor + 1)..<end], as: UTF8.self).lowercased())
            }
        }
        return words
    }
}

/// ASCII byte classes. Non-ASCII bytes count as neither letters nor digits, so text in other
/// scripts (no spaces in Chinese or Japanese) does not hide a number that follows it.
enum ByteClass {
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
    @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || isLower(byte) }
    @inline(__always) static func isAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }
    /// Characters of an identifier or token: a match touching one is part of a longer word.
    @inline(__always) static func isWord(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == UInt8(ascii: "_") }
    @inline(__always) static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}
