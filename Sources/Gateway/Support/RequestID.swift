import Atomics
import Foundation

/// Request ids that sort by time: 48 bits of Unix milliseconds, a 32-bit per-process
/// sequence, and 48 random bits, in Crockford base32 (26 characters, like a ULID). Sorting
/// records by id sorts them by arrival, which the store's paging relies on.
public final class RequestIDGenerator: Sendable {
    private let sequence = ManagedAtomic<UInt32>(0)
    private let node: UInt64

    public init() {
        node = UInt64.random(in: 0..<(1 << 48))
    }

    public func next(now: Date = Date()) -> String {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        let count = UInt64(sequence.loadThenWrappingIncrement(ordering: .relaxed))
        // 128 bits: millis(48) | sequence(32) | node(48).
        let high = millis << 16 | count >> 16
        let low = (count & 0xFFFF) << 48 | node
        return Self.encode(high: high, low: low)
    }

    private static let crockford: StaticString = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

    static func encode(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 26) { bytes in
            crockford.withUTF8Buffer { alphabet in
                var hi = high
                var lo = low
                // 26 × 5 = 130 bits; emit from the least significant end.
                for index in stride(from: 25, through: 0, by: -1) {
                    bytes[index] = alphabet[Int(lo & 31)]
                    lo = (lo >> 5) | ((hi & 31) << 59)
                    hi >>= 5
                }
            }
            return 26
        }
    }
}
