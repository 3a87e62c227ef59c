import Synchronization

/// Token bytes → rank for one vocabulary. An open-addressed table of 8-byte slots, each
/// holding a token's length, rank, where its bytes live and an 8-bit tag of its hash, so a
/// probe rejects other tokens without reading their bytes (1 in 256 gets that far), and the
/// table of o200k is 4 MB. A slice of a piece is hashed and compared in place: no `String`, no
/// array per lookup. Single bytes and byte pairs, the first step of every merge, hit direct
/// tables.
final class RankTable: @unchecked Sendable {
    // Safety: every buffer is filled by a `Builder` before `init(building:)` takes it, only read
    // afterwards, and freed in `deinit`.

    /// The rank of a byte sequence that is not a token.
    static let absent = UInt32.max
    /// Limits of the packed slot: ranks below 2^20, tokens shorter than 4096 bytes, all tokens'
    /// bytes within 16 MiB. A slot is, from bit 0: offset (24 bits) of the token's bytes in
    /// `keyBytes`, rank (20), length (12), tag (8). Zero marks an empty slot (no token is empty).
    static let rankBits: UInt64 = 20
    static let maxLength = 4095
    static let maxKeyBytes = 1 << 24

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
    private let slots: UnsafeMutableBufferPointer<UInt64>
    private let keyCount: Int
    private let slotMask: Int
    private let byteRanks: UnsafeMutableBufferPointer<UInt32>
    private let pairRanks: UnsafeMutableBufferPointer<UInt32>
    /// rank → (offset << 32 | length) of its bytes, or 0, for decoding. Built on the first
    /// decode: counting tokens never needs it, and it is 8 bytes per token.
    private let rankSpans = Mutex<[UInt64]?>(nil)

    /// Fills a table's buffers token by token, in the vocabulary's order; `init(building:)`
    /// then takes them over. Sized up front, so the tokens never exist twice in memory.
    final class Builder {
        fileprivate let keyBytes: UnsafeMutableBufferPointer<UInt8>
        fileprivate let slots: UnsafeMutableBufferPointer<UInt64>
        fileprivate let byteRanks: UnsafeMutableBufferPointer<UInt32>
        fileprivate let pairRanks: UnsafeMutableBufferPointer<UInt32>
        fileprivate let slotMask: Int
        fileprivate var filled = 0
        fileprivate var count = 0
        fileprivate var longest = 0
        fileprivate var highest: UInt32 = 0
        fileprivate var failure: BuildError?
        fileprivate var handedOver = false

        /// - Parameters:
        ///   - tokens: how many tokens will be inserted.
        ///   - keyByteCount: their bytes, all together.
        init(tokens: Int, keyByteCount: Int) {
            var capacity = 1024
            while capacity < tokens * 5 / 2 { capacity <<= 1 }
            slotMask = capacity - 1
            keyBytes = .allocate(capacity: max(keyByteCount, 1))
            // Zeroed: `matches` reads 8 bytes at once, past a short token into bytes not filled yet.
            keyBytes.initialize(repeating: 0)
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: 0)
            byteRanks = .allocate(capacity: 256)
            byteRanks.initialize(repeating: RankTable.absent)
            pairRanks = .allocate(capacity: 65_536)
            pairRanks.initialize(repeating: RankTable.absent)
            if keyByteCount >= RankTable.maxKeyBytes { failure = .tooLarge }
        }

        deinit {
            guard !handedOver else { return }
            keyBytes.deallocate()
            slots.deallocate()
            byteRanks.deallocate()
            pairRanks.deallocate()
        }

        /// Adds a token; a repeated token keeps its last rank, as a dictionary built from the
        /// file would. Failures (a token or rank beyond the table's limits, more bytes than
        /// announced) are reported by `init(building:)`.
        func insert(_ token: UnsafeBufferPointer<UInt8>, rank: UInt32) {
            let length = token.count
            guard failure == nil else { return }
            guard length > 0, length <= RankTable.maxLength, rank < 1 << RankTable.rankBits,
                  filled + length <= keyBytes.count, count < slotMask / 2 else {
                failure = .tooLarge
                return
            }
            let start = filled
            let bytes = UnsafePointer(keyBytes.baseAddress.unsafelyUnwrapped + start)
            _ = UnsafeMutableBufferPointer(rebasing: keyBytes[start..<(start + length)]).initialize(from: token)
            filled += length
            count += 1
            longest = max(longest, length)
            highest = max(highest, rank)
            if length == 1 { byteRanks[Int(bytes[0])] = rank }
            if length == 2 { pairRanks[Int(bytes[0]) << 8 | Int(bytes[1])] = rank }
            let prefix = RankTable.prefix(bytes, length)
            let hash = RankTable.hash(bytes, length, prefix: prefix)
            let tag = hash >> 56
            let packed = UInt64(start) | UInt64(rank) << 24 | UInt64(length) << 44 | tag << 56
            let keys = UnsafePointer(keyBytes.baseAddress.unsafelyUnwrapped)
            var slot = Int(truncatingIfNeeded: hash) & slotMask
            while slots[slot] != 0,
                  !RankTable.matches(slots[slot], bytes, length, prefix, tag: tag, keys: keys, keyCount: keyBytes.count) {
                slot = (slot + 1) & slotMask
            }
            slots[slot] = packed
        }
    }

    init(building builder: Builder) throws(BuildError) {
        if let failure = builder.failure { throw failure }
        builder.handedOver = true
        keyBytes = builder.keyBytes
        keys = UnsafePointer(builder.keyBytes.baseAddress.unsafelyUnwrapped)
        keyCount = builder.keyBytes.count
        slots = builder.slots
        slotMask = builder.slotMask
        byteRanks = builder.byteRanks
        pairRanks = builder.pairRanks
        count = builder.count
        maxTokenLength = builder.longest
        rankLimit = Int(builder.highest) + 1
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
        let hash = Self.hash(bytes, length, prefix: prefix)
        let tag = hash >> 56
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 { return Self.absent }
            if Self.matches(entry, bytes, length, prefix, tag: tag, keys: keys, keyCount: keyCount) {
                return UInt32(truncatingIfNeeded: entry >> 24) & (1 << UInt32(Self.rankBits) - 1)
            }
            slot = (slot + 1) & slotMask
        }
    }

    @inline(__always)
    private static func matches(_ entry: UInt64, _ bytes: UnsafePointer<UInt8>, _ length: Int, _ prefix: UInt64, tag: UInt64,
                                keys: UnsafePointer<UInt8>, keyCount: Int) -> Bool {
        guard entry >> 56 == tag, Int(truncatingIfNeeded: (entry >> 44) & 0xFFF) == length else { return false }
        let offset = Int(truncatingIfNeeded: entry & 0xFF_FFFF)
        let stored = UnsafeRawPointer(keys + offset)
        if length < 8 {
            // One load when 8 bytes are there to read, masked to the token's length.
            if offset + 8 <= keyCount {
                return stored.loadUnaligned(as: UInt64.self).littleEndian & (1 << UInt64(length * 8) - 1) == prefix
            }
            return Self.prefix(keys + offset, length) == prefix
        }
        guard stored.loadUnaligned(as: UInt64.self).littleEndian == prefix else { return false }
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
                for slot in slots where slot != 0 {
                    let start = slot & 0xFF_FFFF
                    let rank = Int(truncatingIfNeeded: (slot >> 24) & ((1 << Self.rankBits) - 1))
                    let length = (slot >> 44) & 0xFFF
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
