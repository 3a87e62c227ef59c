import Synchronization

/// Token bytes → rank for one vocabulary. An open-addressed table of 16-byte slots, each
/// holding a token's first 8 bytes, its length, rank and where the rest of its bytes live,
/// so most lookups (three tokens in four are 8 bytes or shorter) touch one cache line and no
/// key buffer. A slice of a piece is hashed and compared in place: no `String`, no array per
/// lookup. Single bytes and byte pairs, the first step of every merge, hit direct tables.
final class RankTable: @unchecked Sendable {
    // Safety: every buffer is filled in `init`, only read afterwards, and freed in `deinit`.

    /// The rank of a byte sequence that is not a token.
    static let absent = UInt32.max
    /// Limits of the packed slot: ranks below 2^20, tokens shorter than 4096 bytes.
    static let rankBits: UInt64 = 20
    static let maxLength = 4095

    struct Slot {
        /// The token's first (up to) 8 bytes, little-endian, zero-padded.
        var prefix: UInt64
        /// Bits 0–31: offset of the token's bytes in `keyBytes`; 32–51: rank; 52–63: length.
        /// Zero marks an empty slot (no token is empty).
        var packed: UInt64
    }

    enum BuildError: Error, Sendable, Equatable {
        case tooLarge
    }

    let count: Int
    /// The longest token, in bytes: a longer span cannot be a token, so it is never looked up.
    let maxTokenLength: Int
    /// One more than the highest rank.
    let rankLimit: Int

    private let keyBytes: UnsafeMutableBufferPointer<UInt8>
    /// `keyBytes`' start (allocated with a capacity of at least 1, so never nil).
    private let keys: UnsafePointer<UInt8>
    private let slots: UnsafeMutableBufferPointer<Slot>
    private let slotMask: Int
    private let byteRanks: UnsafeMutableBufferPointer<UInt32>
    private let pairRanks: UnsafeMutableBufferPointer<UInt32>
    /// rank → (offset << 32 | length) of its bytes, or 0, for decoding. Built on the first
    /// decode: counting tokens never needs it, and it is 8 bytes per token.
    private let rankSpans = Mutex<[UInt64]?>(nil)

    init(_ file: TiktokenFile) throws(BuildError) {
        let highest = Int(file.ranks.max() ?? 0)
        guard highest < 1 << Self.rankBits, file.bytes.count < Int(UInt32.max) else { throw .tooLarge }
        count = file.count
        rankLimit = highest + 1
        keyBytes = .allocate(capacity: max(file.bytes.count, 1))
        _ = keyBytes.initialize(from: file.bytes)
        keys = UnsafePointer(keyBytes.baseAddress.unsafelyUnwrapped)

        var capacity = 1024
        while capacity < file.count * 5 / 2 { capacity <<= 1 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(prefix: 0, packed: 0))
        slotMask = capacity - 1
        byteRanks = .allocate(capacity: 256)
        byteRanks.initialize(repeating: Self.absent)
        pairRanks = .allocate(capacity: 65_536)
        pairRanks.initialize(repeating: Self.absent)

        var longest = 0
        let base = keys
        for key in 0..<file.count {
            let start = Int(file.starts[key])
            let length = Int(file.starts[key + 1]) - start
            let rank = file.ranks[key]
            guard length <= Self.maxLength else { throw .tooLarge }
            longest = max(longest, length)
            let bytes = base + start
            if length == 1 { byteRanks[Int(bytes[0])] = rank }
            if length == 2 { pairRanks[Int(bytes[0]) << 8 | Int(bytes[1])] = rank }
            let prefix = Self.prefix(bytes, length)
            let packed = UInt64(start) | UInt64(rank) << 32 | UInt64(length) << 52
            var slot = Int(truncatingIfNeeded: Self.hash(bytes, length, prefix: prefix)) & slotMask
            // A repeated token keeps its last rank, as a dictionary built from the file would.
            while slots[slot].packed != 0, !Self.matches(slots[slot], bytes, length, prefix, keys: base) {
                slot = (slot + 1) & slotMask
            }
            slots[slot] = Slot(prefix: prefix, packed: packed)
        }
        maxTokenLength = longest
    }

    deinit {
        keyBytes.deallocate()
        slots.deallocate()
        byteRanks.deallocate()
        pairRanks.deallocate()
    }

    @inline(__always)
    func rank(ofPair first: UInt8, _ second: UInt8) -> UInt32 { pairRanks[Int(first) << 8 | Int(second)] }

    @inline(__always)
    func rank(ofByte byte: UInt8) -> UInt32 { byteRanks[Int(byte)] }

    /// The rank of `bytes[0..<length]`, or `absent`.
    @inline(__always)
    func rank(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        switch length {
        case 1: return byteRanks[Int(bytes[0])]
        case 2: return pairRanks[Int(bytes[0]) << 8 | Int(bytes[1])]
        default:
            if length > maxTokenLength || length <= 0 { return Self.absent }
            return lookup(bytes, length)
        }
    }

    private func lookup(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        let prefix = Self.prefix(bytes, length)
        var slot = Int(truncatingIfNeeded: Self.hash(bytes, length, prefix: prefix)) & slotMask
        while true {
            let entry = slots[slot]
            if entry.packed == 0 { return Self.absent }
            if Self.matches(entry, bytes, length, prefix, keys: keys) {
                return UInt32(truncatingIfNeeded: entry.packed >> 32) & (1 << UInt32(Self.rankBits) - 1)
            }
            slot = (slot + 1) & slotMask
        }
    }

    @inline(__always)
    private static func matches(_ entry: Slot, _ bytes: UnsafePointer<UInt8>, _ length: Int, _ prefix: UInt64,
                                keys: UnsafePointer<UInt8>) -> Bool {
        guard entry.prefix == prefix, Int(truncatingIfNeeded: entry.packed >> 52) == length else { return false }
        if length <= 8 { return true }
        let stored = UnsafeRawPointer(keys + Int(truncatingIfNeeded: entry.packed & 0xFFFF_FFFF))
        let mine = UnsafeRawPointer(bytes)
        var index = 8
        while index + 8 <= length {
            if mine.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != stored.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
            index += 8
        }
        while index < length {
            if mine.load(fromByteOffset: index, as: UInt8.self) != stored.load(fromByteOffset: index, as: UInt8.self) { return false }
            index += 1
        }
        return true
    }

    /// The bytes of the token with this rank, or nil for an id that is not in the vocabulary.
    func bytes(ofRank rank: Int) -> UnsafeBufferPointer<UInt8>? {
        guard rank >= 0, rank < rankLimit else { return nil }
        let span = rankSpans.withLock { spans in
            if spans == nil {
                var built = [UInt64](repeating: 0, count: rankLimit)
                for slot in slots where slot.packed != 0 {
                    let start = slot.packed & 0xFFFF_FFFF
                    let rank = Int(truncatingIfNeeded: (slot.packed >> 32) & ((1 << Self.rankBits) - 1))
                    let length = slot.packed >> 52
                    built[rank] = start << 32 | length
                }
                spans = built
            }
            return spans![rank]
        }
        guard span != 0 else { return nil }
        let start = Int(truncatingIfNeeded: span >> 32)
        let length = Int(truncatingIfNeeded: span & 0xFFFF_FFFF)
        return UnsafeBufferPointer(rebasing: keyBytes[start..<(start + length)])
    }

    /// The first (up to) 8 bytes as a little-endian word, zero-padded. Reads only `length`
    /// bytes: the slice may end at the end of its buffer.
    @inline(__always)
    static func prefix(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        if length >= 8 { return UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self).littleEndian }
        var word: UInt64 = 0
        var shift: UInt64 = 0
        for index in 0..<length {
            word |= UInt64(bytes[index]) << shift
            shift += 8
        }
        return word
    }

    /// A fast 64-bit hash: the prefix word, then the rest word by word, multiply-xor mixed
    /// and finished with a full avalanche so the low bits (the slot) are well spread.
    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ length: Int, prefix: UInt64) -> UInt64 {
        var hash = (prefix ^ UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15) &* 0xFF51_AFD7_ED55_8CCD
        if length > 8 {
            let raw = UnsafeRawPointer(bytes)
            var index = 8
            while index < length {
                var word: UInt64
                if index + 8 <= length {
                    word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian
                } else {
                    word = 0
                    var shift: UInt64 = 0
                    for tail in index..<length {
                        word |= UInt64(raw.load(fromByteOffset: tail, as: UInt8.self)) << shift
                        shift += 8
                    }
                }
                hash = (hash ^ hash >> 29 ^ word) &* 0xFF51_AFD7_ED55_8CCD
                index += 8
            }
        }
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}
