/// Reuses `String`s for keys seen before. Config files repeat the same keys thousands of
/// times (`[[source_limits]]` with `source = ...` in each), and looking a short byte run up
/// here is cheaper than validating and building a new String each time. Bounded: long keys
/// and tables past `maximumEntries` fall back to plain construction.
struct StringInterner {
    // Parallel arrays keep the probe loop on plain integers; `hashes[i] == 0` marks a free
    // slot (real hashes have their low bit set).
    private var hashes = [UInt32](repeating: 0, count: 256)
    private var offsets = [Int32](repeating: 0, count: 256)
    private var lengths = [Int32](repeating: 0, count: 256)
    private var strings = [String](repeating: "", count: 256)
    private var used = 0
    private static let maximumLength = 32
    private static let maximumEntries = 8192

    mutating func string(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        let length = range.count
        guard length <= Self.maximumLength, let base = bytes.baseAddress else {
            return String(decoding: bytes[range], as: UTF8.self)
        }
        let hash = Self.hash(base + range.lowerBound, length)
        let mask = hashes.count - 1
        var probe = Int(hash) & mask
        while hashes[probe] != 0 {
            if hashes[probe] == hash, Int(lengths[probe]) == length,
               memoryEqual(base + Int(offsets[probe]), base + range.lowerBound, length)
            {
                return strings[probe]
            }
            probe = (probe + 1) & mask
        }
        let string = String(decoding: bytes[range], as: UTF8.self)
        guard used < Self.maximumEntries else { return string }
        hashes[probe] = hash
        offsets[probe] = Int32(truncatingIfNeeded: range.lowerBound)
        lengths[probe] = Int32(truncatingIfNeeded: length)
        strings[probe] = string
        used += 1
        if used * 2 > hashes.count { grow() }
        return string
    }

    private mutating func grow() {
        let (oldHashes, oldOffsets, oldLengths, oldStrings) = (hashes, offsets, lengths, strings)
        let capacity = oldHashes.count * 2
        hashes = [UInt32](repeating: 0, count: capacity)
        offsets = [Int32](repeating: 0, count: capacity)
        lengths = [Int32](repeating: 0, count: capacity)
        strings = [String](repeating: "", count: capacity)
        let mask = capacity - 1
        for slot in oldHashes.indices where oldHashes[slot] != 0 {
            var probe = Int(oldHashes[slot]) & mask
            while hashes[probe] != 0 { probe = (probe + 1) & mask }
            hashes[probe] = oldHashes[slot]
            offsets[probe] = oldOffsets[slot]
            lengths[probe] = oldLengths[slot]
            strings[probe] = oldStrings[slot]
        }
    }

    /// FNV-1a: cheap and good enough for short keys. The low bit is forced so 0 means "free".
    private static func hash(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for index in 0..<count { hash = (hash ^ UInt32(start[index])) &* 16_777_619 }
        return hash | 1
    }

    private func memoryEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            guard UnsafeRawPointer(lhs + index).loadUnaligned(as: UInt64.self)
                == UnsafeRawPointer(rhs + index).loadUnaligned(as: UInt64.self) else { return false }
            index += 8
        }
        while index < count {
            guard lhs[index] == rhs[index] else { return false }
            index += 1
        }
        return true
    }
}
