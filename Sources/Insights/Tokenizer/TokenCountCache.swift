import Synchronization

/// Remembers the token counts of long texts, because agents resend the same system prompt,
/// tools and history on every call. Keyed by the exact text (per encoding), so a hit is never
/// wrong; bounded by the bytes of text it holds, in two generations: when the current one
/// fills it becomes the previous, and a hit there is promoted, so what is still being resent
/// survives and the rest ages out.
public final class TokenCountCache: Sendable {
    /// Texts shorter than this are cheaper to count than to hash and look up.
    public static let minimumLength = 256

    struct Key: Hashable {
        var encoding: TokenEncoding
        var text: String
    }

    struct Storage {
        var current: [Key: Int] = [:]
        var previous: [Key: Int] = [:]
        var bytes = 0

        mutating func insert(_ key: Key, _ value: Int, budget: Int) {
            let size = key.text.utf8.count
            if bytes + size > budget {
                previous = current
                current = [:]
                bytes = 0
            }
            if current.updateValue(value, forKey: key) == nil { bytes += size }
        }
    }

    private let storage = Mutex(Storage())
    private let byteBudget: Int

    /// `byteBudget` bounds the text held by one generation (so at most twice that in all).
    public init(byteBudget: Int = 4 << 20) {
        self.byteBudget = byteBudget
    }

    /// The count of `text`, from the cache or from `count()` (which runs outside the lock).
    public func count(_ text: String, encoding: TokenEncoding, _ count: () -> Int) -> Int {
        guard text.utf8.count >= Self.minimumLength else { return count() }
        let key = Key(encoding: encoding, text: text)
        let budget = byteBudget
        let cached: Int? = storage.withLock { storage in
            if let hit = storage.current[key] { return hit }
            guard let hit = storage.previous.removeValue(forKey: key) else { return nil }
            storage.insert(key, hit, budget: budget)
            return hit
        }
        if let cached { return cached }
        let value = count()
        storage.withLock { $0.insert(key, value, budget: budget) }
        return value
    }

    /// How many texts the cache holds, in both generations.
    public var entryCount: Int {
        storage.withLock { $0.current.count + $0.previous.count }
    }
}
