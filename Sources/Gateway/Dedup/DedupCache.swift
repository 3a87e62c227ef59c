import Crypto
import Foundation
import HTTPTypes
import NIOHTTP1
import NIOCore
import Providers
import Synchronization

/// Recent successful answers, replayed to identical requests within the configured TTL
/// (`[dedup]`, opt-in). Identical means: same provider, path and query, same model after
/// routing, the same JSON body once its keys are put in a canonical order, and the same API
/// key (only a hash of it is kept, so one key's answers are never served to another).
/// Streams are stored as the chunks they arrived in and replayed the same way.
public final class DedupCache: Sendable {
    public struct Entry: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var chunks: [ByteBuffer]
        public var storedAt: Date
        /// What the original call cost: a replay saves this much.
        public var costPicodollars: Int64
        public var model: String?
        public var usage: Usage

        var size: Int { chunks.reduce(0) { $0 + $1.readableBytes } }
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var bytes = 0
    }

    private let state = Mutex(State())
    public let maxEntries: Int
    public let maxBytes: Int
    /// Larger answers are not kept.
    public let maxEntryBytes: Int

    public init(maxEntries: Int = 1024, maxBytes: Int = 64 << 20, maxEntryBytes: Int = 4 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
        self.maxEntryBytes = maxEntryBytes
    }

    public func lookup(_ key: String, ttlSeconds: Int, now: Date = Date()) -> Entry? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard now.timeIntervalSince(entry.storedAt) <= Double(ttlSeconds) else {
                Self.remove(key, from: &state)
                return nil
            }
            return entry
        }
    }

    public func store(_ key: String, _ entry: Entry) {
        let size = entry.size
        guard size <= maxEntryBytes else { return }
        state.withLock { state in
            Self.remove(key, from: &state)
            state.entries[key] = entry
            state.order.append(key)
            state.bytes += size
            while state.entries.count > maxEntries || state.bytes > maxBytes, let oldest = state.order.first {
                Self.remove(oldest, from: &state)
            }
        }
    }

    private static func remove(_ key: String, from state: inout State) {
        guard let old = state.entries.removeValue(forKey: key) else { return }
        state.bytes -= old.size
        if let index = state.order.firstIndex(of: key) { state.order.remove(at: index) }
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// The cache key of a request.
    public static func key(provider: Provider, method: String, path: String, query: String?, model: String?,
                           body: ByteBuffer, headers: HTTPHeaders) -> String {
        var hasher = SHA256()
        func add(_ text: String) { hasher.update(data: Array(text.utf8) + [0]) }
        add(provider.rawValue); add(method); add(path); add(query ?? ""); add(model ?? "")
        if let json = try? body.withUnsafeReadableBytes({ try JSONReader.parse($0) }) {
            add(canonical(json))
        } else {
            hasher.update(data: Array(buffer: body))
        }
        let queryKey = query?.split(separator: "&").first { $0.hasPrefix("key=") }.map(String.init)
        let headerKey = headers.first(name: "authorization") ?? headers.first(name: "x-api-key") ?? headers.first(name: "x-goog-api-key")
        let credential = headerKey ?? queryKey ?? ""
        add(SHA256.hash(data: Array(credential.utf8)).map { String(format: "%02x", $0) }.joined())
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// JSON with object keys sorted, so key order does not make two requests different.
    static func canonical(_ value: JSONValue) -> String {
        switch value {
        case .object(let object):
            let members = object.entries.sorted { $0.key < $1.key }.map { JSONWriter.quoted($0.key) + ":" + canonical($0.value) }
            return "{" + members.joined(separator: ",") + "}"
        case .array(let elements):
            return "[" + elements.map(canonical).joined(separator: ",") + "]"
        default:
            return JSONWriter.serialize(value)
        }
    }
}
