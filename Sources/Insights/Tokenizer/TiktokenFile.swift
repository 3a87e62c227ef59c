#if canImport(Glibc)
import Glibc
#endif

/// A vocabulary in tiktoken's format: one `BASE64(bytes) RANK` line per token. It is read
/// twice, line by line, from memory or from disk in pieces: once to learn how many tokens and
/// bytes the rank table needs, once to fill it. Neither the file nor its decoded tokens are
/// ever held beside the table: for o200k the two passes peak at the table's 6 MB, where
/// parsing the whole file first peaked at 10 MB, the daemon's high-water mark.
enum TiktokenFile {
    /// Where the lines come from.
    enum Source {
        case memory(UnsafeRawBufferPointer)
        /// An open file, read from its start with `pread` (each pass reads it again).
        case file(descriptor: Int32)
    }

    enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case malformedLine(Int)
        case empty
        case unreadable

        var description: String {
            switch self {
            case .malformedLine(let line): "line \(line) is not `BASE64 RANK`"
            case .empty: "the vocabulary has no tokens"
            case .unreadable: "it cannot be read"
            }
        }
    }

    /// Pass one: the number of tokens and of their bytes, from the base64 lengths alone.
    static func measure(_ source: Source) throws(ParseError) -> (tokens: Int, bytes: Int) {
        var tokens = 0
        var bytes = 0
        try forEachLine(source) { (line, number) throws(ParseError) in
            guard let space = line.firstIndex(of: 0x20), space > 0, space % 4 == 0 else { throw .malformedLine(number) }
            var padding = 0
            while padding < 2, line[space - 1 - padding] == 0x3D { padding += 1 }
            tokens += 1
            bytes += space / 4 * 3 - padding
        }
        if tokens == 0 { throw .empty }
        return (tokens, bytes)
    }

    /// Pass two: each token's bytes and rank, in file order.
    static func forEachToken(_ source: Source, _ body: (UnsafeBufferPointer<UInt8>, UInt32) -> Void) throws(ParseError) {
        var token: [UInt8] = []
        token.reserveCapacity(256)
        try forEachLine(source) { (line, number) throws(ParseError) in
            token.removeAll(keepingCapacity: true)
            let rank = try parseLine(line, lineNumber: number, into: &token)
            token.withUnsafeBufferPointer { body($0, rank) }
        }
    }

    /// Calls `body` with each non-empty line (its CR LF or LF removed) and its number.
    static func forEachLine(_ source: Source,
                            _ body: (UnsafeRawBufferPointer, Int) throws(ParseError) -> Void) throws(ParseError) {
        var lineNumber = 0
        func emit(_ line: UnsafeRawBufferPointer) throws(ParseError) {
            lineNumber += 1
            var end = line.endIndex
            if end > line.startIndex, line[end - 1] == 0x0D { end -= 1 }
            if end > line.startIndex { try body(UnsafeRawBufferPointer(rebasing: line[line.startIndex..<end]), lineNumber) }
        }
        switch source {
        case .memory(let data):
            var start = 0
            while start < data.count {
                let end = data[start...].firstIndex(of: 0x0A) ?? data.count
                try emit(UnsafeRawBufferPointer(rebasing: data[start..<end]))
                start = end + 1
            }
        case .file(let descriptor):
            let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
            defer { piece.deallocate() }
            // A line cut by the end of a piece waits in `partial` for the rest.
            var partial: [UInt8] = []
            func emitPartial() throws(ParseError) {
                try partial.withUnsafeBytes { line in Result { () throws(ParseError) in try emit(line) } }.get()
                partial.removeAll(keepingCapacity: true)
            }
            var offset = 0
            while true {
                let got = pread(descriptor, piece.baseAddress, piece.count, off_t(offset))
                guard got >= 0 else { throw .unreadable }
                if got == 0 { break }
                offset += got
                let data = UnsafeRawBufferPointer(rebasing: piece[..<got])
                var start = 0
                while let end = data[start...].firstIndex(of: 0x0A) {
                    if partial.isEmpty {
                        try emit(UnsafeRawBufferPointer(rebasing: data[start..<end]))
                    } else {
                        partial.append(contentsOf: data[start..<end])
                        try emitPartial()
                    }
                    start = end + 1
                }
                partial.append(contentsOf: data[start...])
            }
            if !partial.isEmpty { try emitPartial() }
        }
    }

    /// One `BASE64 RANK` line: its rank, with the token's bytes appended to `token`.
    static func parseLine(_ line: UnsafeRawBufferPointer, lineNumber: Int, into token: inout [UInt8]) throws(ParseError) -> UInt32 {
        guard let space = line.firstIndex(of: 0x20), space > 0, space + 1 < line.count else { throw .malformedLine(lineNumber) }
        var rank: UInt32 = 0
        for digit in line[(space + 1)...] {
            let value = digit &- 0x30
            guard value < 10, rank < UInt32.max / 10 else { throw .malformedLine(lineNumber) }
            rank = rank * 10 + UInt32(value)
        }
        guard decodeBase64(line, from: 0, to: space, into: &token) else { throw .malformedLine(lineNumber) }
        return rank
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
