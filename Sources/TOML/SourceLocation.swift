/// A point in a TOML source: byte offset plus the 1-based line and column a person would see.
/// Columns count Unicode scalars, not bytes, so they match what editors display for
/// non-ASCII text. A leading byte-order mark is not counted as a column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// Byte offset from the start of the document (a BOM, if present, is included).
    public var offset: Int
    /// 1-based line number; lines end at LF (a CRLF counts once).
    public var line: Int
    /// 1-based column in Unicode scalars.
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// Turns byte offsets into line/column pairs by scanning forward from the previous answer,
/// so increasing offsets cost O(document) in total. Used off the hot path (errors, statement
/// positions); the scanner tracks lines itself while parsing.
struct LocationCursor {
    private let origin: Int
    private var offset: Int
    private var line = 1
    private var lineStart: Int
    private var column = 1
    init(start: Int) {
        origin = start
        offset = start
        lineStart = start
    }

    mutating func location(at target: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        let target = min(max(target, origin), bytes.count)
        if target < offset {
            if target >= lineStart {
                offset = lineStart
                column = 1
            } else {
                self = LocationCursor(start: origin)
            }
        }
        var position = offset
        var line = self.line
        var lineStart = self.lineStart
        var column = self.column
        let base = bytes.baseAddress
        while position < target {
            // Skip eight bytes at a time while they are ASCII and contain no line feed.
            if let base, position + 8 <= target {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                let lineFeeds = word ^ 0x0A0A_0A0A_0A0A_0A0A
                let hasLineFeed = (lineFeeds &- 0x0101_0101_0101_0101) & ~lineFeeds & 0x8080_8080_8080_8080 != 0
                if word & 0x8080_8080_8080_8080 == 0, !hasLineFeed {
                    position += 8
                    column += 8
                    continue
                }
            }
            let byte = bytes[position]
            if byte == 0x0A {
                line += 1
                column = 1
                lineStart = position + 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            position += 1
        }
        self.offset = position
        self.line = line
        self.lineStart = lineStart
        self.column = column
        // A target inside a multi-byte scalar reports that scalar's column.
        if target < bytes.count, target > lineStart, bytes[target] & 0xC0 == 0x80 {
            column -= 1
        }
        return SourceLocation(offset: target, line: line, column: column)
    }

    /// One-off lookup used for errors, which are rare enough not to need caching.
    static func locate(_ target: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        var cursor = LocationCursor(start: byteOrderMarkLength(bytes))
        return cursor.location(at: target, in: bytes)
    }
}

/// Length of a UTF-8 byte-order mark at the start of `bytes` (0 or 3).
func byteOrderMarkLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return 3 }
    return 0
}
