import Patterns

/// Text that changes from one request to the next (timestamps, dates, clock times, UUIDs,
/// epoch seconds, long hex ids): in a prompt's prefix it breaks prompt caching, because a
/// cache hit needs the prefix to be byte-identical.
public enum VolatileContent {
    /// Where volatile text starts in a string (UTF-8 offset), what it is and a sample.
    public struct Match: Sendable, Equatable {
        public var kind: String
        public var offset: Int
        public var sample: String
    }

    static let patterns: [(kind: String, pattern: CompiledPattern)] = [
        ("timestamp", #"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"#),
        ("uuid", #"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"#),
        ("date", #"\b(?:19|20)\d{2}-\d{2}-\d{2}\b"#),
        ("date", #"(?i)\b(?:today is|current date|the date is|current time|the time is)\b"#),
        ("time", #"\b\d{1,2}:\d{2}:\d{2}\b"#),
        ("epoch", #"\b1[5-9]\d{8}(?:\d{3})?\b"#),
        ("hex id", #"\b[0-9a-f]{24,}\b"#),
    ].compactMap { kind, source in
        (try? CompiledPattern(source)).map { (kind, $0) }
    }

    /// The earliest volatile text in `text`, if any.
    public static func first(in text: String) -> Match? {
        var best: Match?
        for (kind, pattern) in patterns {
            guard let range = pattern.firstMatch(in: text), best.map({ range.lowerBound < $0.offset }) ?? true else { continue }
            let bytes = Array(text.utf8)
            let sample = String(decoding: bytes[range.lowerBound..<min(range.upperBound, range.lowerBound + 40)], as: UTF8.self)
            best = Match(kind: kind, offset: range.lowerBound, sample: sample)
        }
        return best
    }
}
