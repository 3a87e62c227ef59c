/// The parsed contents of a vocabulary in tiktoken's format: one `BASE64(bytes) RANK` line per
/// token. Token bytes are kept back to back in one buffer, so 200 000 tokens cost three
/// allocations rather than 200 000 arrays.
struct TiktokenFile: Sendable {
    /// Every token's bytes, concatenated in file order.
    var bytes: [UInt8] = []
    /// Where token `i`'s bytes start in `bytes`; one extra entry marks the end of the last.
    var starts: [UInt32] = [0]
    /// Token `i`'s rank (its id and its merge priority).
    var ranks: [UInt32] = []

    var count: Int { ranks.count }

    enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case malformedLine(Int)
        case empty

        var description: String {
            switch self {
            case .malformedLine(let line): "line \(line) is not `BASE64 RANK`"
            case .empty: "the vocabulary has no tokens"
            }
        }
    }

    init(parsing data: UnsafeRawBufferPointer) throws(ParseError) {
        bytes.reserveCapacity(data.count / 2)
        var lineNumber = 0
        var lineStart = 0
        while lineStart < data.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < data.count, data[lineEnd] != 0x0A { lineEnd += 1 }
            var end = lineEnd
            if end > lineStart, data[end - 1] == 0x0D { end -= 1 }
            if end > lineStart {
                try parseLine(data, from: lineStart, to: end, lineNumber: lineNumber)
            }
            lineStart = lineEnd + 1
        }
        if ranks.isEmpty { throw .empty }
    }

    private mutating func parseLine(_ data: UnsafeRawBufferPointer, from start: Int, to end: Int,
                                    lineNumber: Int) throws(ParseError) {
        var space = start
        while space < end, data[space] != 0x20 { space += 1 }
        guard space < end, space > start else { throw .malformedLine(lineNumber) }
        var rank: UInt32 = 0
        var cursor = space + 1
        guard cursor < end else { throw .malformedLine(lineNumber) }
        while cursor < end {
            let digit = data[cursor] &- 0x30
            guard digit < 10, rank < UInt32.max / 10 else { throw .malformedLine(lineNumber) }
            rank = rank * 10 + UInt32(digit)
            cursor += 1
        }
        guard Self.decodeBase64(data, from: start, to: space, into: &bytes) else { throw .malformedLine(lineNumber) }
        starts.append(UInt32(bytes.count))
        ranks.append(rank)
    }

    /// Standard base64 with `=` padding; appends the decoded bytes, or returns false and
    /// leaves `output` as it was.
    static func decodeBase64(_ data: UnsafeRawBufferPointer, from start: Int, to end: Int,
                             into output: inout [UInt8]) -> Bool {
        let mark = output.count
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for index in start..<end {
            let byte = data[index]
            if byte == 0x3D { padding += 1; continue }
            guard padding == 0 else { output.removeSubrange(mark...); return false }
            let value: UInt8
            switch byte {
            case 0x41...0x5A: value = byte - 0x41
            case 0x61...0x7A: value = byte - 0x61 + 26
            case 0x30...0x39: value = byte - 0x30 + 52
            case 0x2B: value = 62
            case 0x2F: value = 63
            default: output.removeSubrange(mark...); return false
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        guard (end - start) % 4 == 0, padding <= 2, output.count > mark else {
            output.removeSubrange(mark...)
            return false
        }
        return true
    }
}
