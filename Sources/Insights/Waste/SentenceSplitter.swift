/// Cuts prose into sentences for spotting repeated instructions: a sentence ends at `.`, `!`,
/// `?` (or their CJK forms) before whitespace, or at a line break. List markers and heading
/// marks are dropped, and fenced code blocks are skipped, since code repeats lines legitimately.
public enum SentenceSplitter {
    /// Calls `body` with the byte range of each sentence in `bytes`, in order.
    public static func forEachSentence(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var inFence = false
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var start = skipSpaces(bytes, from: lineStart, to: lineEnd)
            if startsFence(bytes, at: start, end: lineEnd) {
                inFence.toggle()
            } else if !inFence {
                start = skipMarker(bytes, from: start, to: lineEnd)
                split(bytes, from: start, to: lineEnd, body)
            }
            lineStart = lineEnd + 1
        }
    }

    @inline(__always)
    static func split(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, _ body: (Range<Int>) -> Void) {
        var sentenceStart = start
        var index = start
        while index < end {
            let terminatorLength = terminator(bytes, at: index, end: end)
            if terminatorLength > 0 {
                let after = index + terminatorLength
                if after >= end || isSpace(bytes[after]) || terminatorLength == 3 {
                    emit(bytes, sentenceStart, after, body)
                    sentenceStart = skipSpaces(bytes, from: after, to: end)
                    index = sentenceStart
                    continue
                }
            }
            index += 1
        }
        emit(bytes, sentenceStart, end, body)
    }

    /// 1 for `.`, `!`, `?`; 3 for the ideographic full stop and fullwidth `!`/`?` (which need
    /// no space after them); 0 otherwise.
    static func terminator(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Int {
        switch bytes[index] {
        case 0x2E, 0x21, 0x3F: return 1
        case 0xE3 where index + 2 < end && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x82: return 3
        case 0xEF where index + 2 < end && bytes[index + 1] == 0xBC && (bytes[index + 2] == 0x81 || bytes[index + 2] == 0x9F): return 3
        default: return 0
        }
    }

    @inline(__always)
    static func emit(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ body: (Range<Int>) -> Void) {
        var end = end
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        if end > start { body(start..<end) }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

    static func skipSpaces(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, isSpace(bytes[index]) { index += 1 }
        return index
    }

    static func startsFence(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Bool {
        guard index + 3 <= end else { return false }
        let mark = bytes[index]
        return (mark == 0x60 || mark == 0x7E) && bytes[index + 1] == mark && bytes[index + 2] == mark
    }

    /// Past a list marker (`-`, `*`, `+`, `•`, `1.`, `1)`), a quote mark or heading marks.
    static func skipMarker(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, bytes[index] == 0x23 || bytes[index] == 0x3E { index += 1 }
        if index < end, bytes[index] == 0x2D || bytes[index] == 0x2A || bytes[index] == 0x2B, index + 1 < end, bytes[index + 1] == 0x20 {
            index += 1
        } else if index + 2 < end, bytes[index] == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA2 {
            index += 3
        } else {
            var digits = index
            while digits < end, bytes[digits] >= 0x30, bytes[digits] <= 0x39 { digits += 1 }
            if digits > index, digits + 1 < end, bytes[digits] == 0x2E || bytes[digits] == 0x29, bytes[digits + 1] == 0x20 {
                index = digits + 1
            }
        }
        return skipSpaces(bytes, from: index, to: end)
    }
}
