/// Eight bytes looked at together: the scanners over bodies (JSON strings, SSE lines) test a
/// word per step instead of a byte.
struct ByteWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    let bits: UInt64

    @inline(__always)
    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        bits = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of each byte equal to `byte`. Borrows can also mark bytes after a real
    /// match, never before one: the lowest mark is exact, the others are not.
    @inline(__always)
    func marks(equalTo byte: UInt8) -> UInt64 {
        let difference = bits ^ (Self.ones &* UInt64(byte))
        return (difference &- Self.ones) & ~difference & Self.highBits
    }

    /// The high bit of each byte below `bound` (at most 0x80); as above, the lowest is exact.
    @inline(__always)
    func marks(below bound: UInt8) -> UInt64 {
        (bits &- Self.ones &* UInt64(bound)) & ~bits & Self.highBits
    }

    /// The position in the word (0 to 7) of the lowest of non-zero `marks`.
    @inline(__always)
    static func firstMarked(_ marks: UInt64) -> Int {
        marks.trailingZeroBitCount >> 3
    }
}
