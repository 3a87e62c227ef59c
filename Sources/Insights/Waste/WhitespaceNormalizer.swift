/// Rewrites text without its whitespace bloat, to measure what the bloat costs: trailing
/// spaces and tabs on a line go, a run of spaces or tabs inside a line becomes one space,
/// whitespace-only lines become empty, more than one blank line in a row becomes one, and
/// blank lines at the start or end go. Indentation is kept (code and YAML depend on it), as
/// are line endings and one final newline, so ordinary text comes back unchanged.
public enum WhitespaceNormalizer {
    /// The normalised text and the UTF-8 offset of the first change, or nil if nothing changes.
    public static func normalize(_ text: String) -> (text: String, firstChange: Int)? {
        // Nothing to do without a double space/tab, a space before a line break, a blank line or
        // edge whitespace: the common case, decided on the string's own bytes without a copy.
        var text = text
        guard text.withUTF8({ mayChange($0) }) else { return nil }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var blankLines = 0
        var emittedLine = false
        var lineStart = 0
        var pendingBreak: [UInt8] = []
        let endsWithNewline = bytes.last == 0x0A
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            let crlf = contentEnd > lineStart && bytes[contentEnd - 1] == 0x0D
            if crlf { contentEnd -= 1 }
            while contentEnd > lineStart, isBlank(bytes[contentEnd - 1]) { contentEnd -= 1 }
            if contentEnd == lineStart {
                blankLines += 1
            } else {
                if emittedLine {
                    output += pendingBreak
                    if blankLines > 0 { output += pendingBreak }
                }
                var index = lineStart
                while index < contentEnd, isBlank(bytes[index]) { output.append(bytes[index]); index += 1 }
                while index < contentEnd {
                    if isBlank(bytes[index]), index + 1 < contentEnd, isBlank(bytes[index + 1]) {
                        output.append(0x20)
                        while index < contentEnd, isBlank(bytes[index]) { index += 1 }
                        continue
                    }
                    output.append(bytes[index])
                    index += 1
                }
                emittedLine = true
                blankLines = 0
                pendingBreak = crlf ? [0x0D, 0x0A] : [0x0A]
            }
            lineStart = lineEnd + 1
        }
        if emittedLine, endsWithNewline { output += pendingBreak }
        guard output != bytes else { return nil }
        var first = 0
        while first < output.count, first < bytes.count, output[first] == bytes[first] { first += 1 }
        return (String(decoding: output, as: UTF8.self), first)
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    static func mayChange(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        if isBlank(last) || first == 0x0A || first == 0x0D { return true }
        if bytes.count >= 2, bytes[bytes.count - 2] == 0x0A, last == 0x0A { return true }
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        var inIndentation = true
        for byte in bytes {
            // Indentation is kept, so only a double blank after a line's first character counts.
            if byte == 0x0A { inIndentation = true } else if !isBlank(byte) { inIndentation = false }
            if isBlank(byte), isBlank(previous), !inIndentation { return true }
            if byte == 0x0A || byte == 0x0D, isBlank(previous) { return true }
            // One blank line between paragraphs is fine; two or more are bloat.
            if byte == 0x0A, previous == 0x0A, beforePrevious == 0x0A { return true }
            beforePrevious = previous
            previous = byte
        }
        // With CRLF endings the checks above do not see blank lines; let the full pass decide.
        return bytes.contains(0x0D)
    }

    /// A short excerpt around `offset` with whitespace made visible (· space, → tab, ⏎ newline).
    public static func visibleExcerpt(_ text: String, around offset: Int) -> String {
        let bytes = Array(text.utf8)
        var start = max(0, offset - 16)
        while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        var end = min(bytes.count, offset + 32)
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        var excerpt = ""
        for scalar in String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars {
            switch scalar {
            case " ": excerpt += "·"
            case "\t": excerpt += "→"
            case "\n": excerpt += "⏎"
            case "\r": excerpt += "␍"
            default: excerpt.unicodeScalars.append(scalar)
            }
        }
        return (start > 0 ? "…" : "") + excerpt + (end < bytes.count ? "…" : "")
    }
}
