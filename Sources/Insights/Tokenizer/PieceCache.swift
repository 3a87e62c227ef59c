/// Remembers how the pieces of one long text merged, so a word that recurs (an identifier in
/// code, a JSON key, a name) is merged once. Only pieces that are not a single token go in:
/// a single token is already one table lookup. Keys point into the text being encoded
/// rather than copying it, so a cache lives for one encoding call and needs no lock.
struct PieceCache {
    /// Below this many bytes a text rarely repeats a multi-token piece; the cache would not pay.
    static let minimumTextLength = 2_048
    static let capacity = 4_096

    /// Per slot: 0 if empty, else the piece's offset in the text (32 bits), length (16) and a
    /// hash tag (16).
    private var keys: [UInt64]
    /// Per slot: where the piece's tokens start in `tokens` (24 bits) and how many (8).
    private var values: [UInt32]
    private var tokens: [UInt32] = []
    private var count = 0
    let text: UnsafePointer<UInt8>

    init(text: UnsafePointer<UInt8>) {
        self.text = text
        keys = Array(repeating: 0, count: Self.capacity)
        values = Array(repeating: 0, count: Self.capacity)
    }

    /// The cached tokens of the piece at `offset`, passed to `body`; false when not cached.
    func withTokens(offset: Int, length: Int, hash: UInt64, _ body: (ArraySlice<UInt32>) -> Void) -> Bool {
        guard length < 1 << 16 else { return false }
        let tag = hash >> 48
        var slot = Int(truncatingIfNeeded: hash) & (Self.capacity - 1)
        while true {
            let key = keys[slot]
            if key == 0 { return false }
            if key >> 48 == tag, Int(truncatingIfNeeded: (key >> 32) & 0xFFFF) == length {
                let stored = Int(truncatingIfNeeded: key & 0xFFFF_FFFF)
                if stored == offset || Self.equal(text + stored, text + offset, length) {
                    let value = Int(values[slot])
                    body(tokens[(value >> 8)..<((value >> 8) + (value & 0xFF))])
                    return true
                }
            }
            slot = (slot + 1) & (Self.capacity - 1)
        }
    }

    /// Remembers the piece's tokens; silently does nothing once the cache is three-quarters full.
    mutating func insert(offset: Int, length: Int, hash: UInt64, ranks: UnsafeBufferPointer<UInt32>) {
        guard count < Self.capacity * 3 / 4, length < 1 << 16, offset < 1 << 32,
              ranks.count < 256, tokens.count + ranks.count < 1 << 24 else { return }
        var slot = Int(truncatingIfNeeded: hash) & (Self.capacity - 1)
        while keys[slot] != 0 { slot = (slot + 1) & (Self.capacity - 1) }
        keys[slot] = (hash >> 48) << 48 | UInt64(length) << 32 | UInt64(offset)
        values[slot] = UInt32(tokens.count) << 8 | UInt32(ranks.count)
        tokens.append(contentsOf: ranks)
        count += 1
    }

    static func equal(_ first: UnsafePointer<UInt8>, _ second: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var index = 0
        while index + 8 <= length {
            if UnsafeRawPointer(first).loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != UnsafeRawPointer(second).loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
            index += 8
        }
        while index < length {
            if first[index] != second[index] { return false }
            index += 1
        }
        return true
    }
}
