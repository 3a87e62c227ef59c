import NIOCore

/// A short hash naming a request's content (body, model, source): a client that sends the
/// same request again within seconds is retrying, and a loop of that is worth flagging.
///
/// Not a cryptographic hash: nobody gains from forging a collision here, and an agent's
/// request bodies run to hundreds of kilobytes, which SHA-256 took tens of microseconds per
/// call to read. The value is stable across runs and machines (stored fingerprints are
/// grouped over days), so the algorithm must not change without a reason.
enum RequestFingerprint {
    static func of(body: ByteBuffer, model: String?, source: String) -> String {
        var hasher = FingerprintHasher()
        // The prefix "model NUL source NUL" is hashed as one run, as it always was, but put
        // together on the stack rather than in a concatenated string.
        var model = model ?? ""
        var source = source
        let length = model.utf8.count + source.utf8.count + 2
        withUnsafeTemporaryAllocation(byteCount: length, alignment: 1) { prefix in
            var end = 0
            model.withUTF8 { prefix[end..<(end + $0.count)].copyBytes(from: $0); end += $0.count }
            prefix[end] = 0
            end += 1
            source.withUTF8 { prefix[end..<(end + $0.count)].copyBytes(from: $0); end += $0.count }
            prefix[end] = 0
            hasher.update(UnsafeRawBufferPointer(prefix))
        }
        body.withUnsafeReadableBytes { hasher.update($0) }
        return hasher.hexDigest()
    }
}

/// MurmurHash3's 64-bit block mixing over 8-byte little-endian words, with its finaliser.
struct FingerprintHasher {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var length: UInt64 = 0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 8 <= bytes.count {
            mix(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        if offset < bytes.count {
            var word: UInt64 = 0
            for (shift, byte) in bytes[offset...].enumerated() { word |= UInt64(byte) << (8 * UInt64(shift)) }
            mix(word)
        }
        length &+= UInt64(bytes.count)
    }

    private mutating func mix(_ word: UInt64) {
        var k = word &* 0x87C3_7B91_1142_53D5
        k = (k << 31) | (k >> 33)
        k = k &* 0x4CF5_AD43_2745_937F
        state ^= k
        state = ((state << 27) | (state >> 37)) &* 5 &+ 0x52DC_E729
    }

    /// 16 lower-case hex digits.
    func hexDigest() -> String {
        var h = state ^ length
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return String(unsafeUninitializedCapacity: 16) { digits in
            for index in 0..<16 {
                let digit = UInt8(truncatingIfNeeded: h >> (60 - 4 * UInt64(index))) & 0xF
                digits[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
            }
            return 16
        }
    }
}
