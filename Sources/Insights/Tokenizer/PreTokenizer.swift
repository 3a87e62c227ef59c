/// Splits text into the pieces that byte-pair merging works on, with an encoding's pattern.
/// The patterns match every character, so the pieces tile the text; if PCRE2 ever gives up
/// (a resource limit on a pathological run), the stuck run becomes one piece and the scan
/// resumes after it, so no text goes uncounted.
struct PreTokenizer: Sendable {
    let scanner: PieceScanner

    init(encoding: TokenEncoding) throws(PieceScanner.CompileError) {
        scanner = try PieceScanner(encoding.pattern)
    }

    /// Calls `body` with each piece's byte range, in order, tiling `bytes` from start to end.
    func forEachPiece(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        var position = 0
        while position < bytes.count {
            position = scanner.scan(bytes, from: position) { lower, upper in
                // A gap would mean a character no alternative matches; count it all the same.
                if lower > position { body(position, lower) }
                body(lower, upper)
                position = upper
            }
            if position < bytes.count {
                let stuck = Self.run(from: position, in: bytes)
                body(position, stuck)
                position = stuck
            }
        }
    }

    /// The end of the run of bytes of the same broad class (whitespace, or not) starting at
    /// `position`, capped so one piece stays bounded, and ending on a character boundary.
    static func run(from position: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        let space = isSpace(bytes[position])
        var end = position + 1
        let cap = min(bytes.count, position + 65_536)
        while end < cap, isSpace(bytes[end]) == space { end += 1 }
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return end
    }
}
