import Patterns
import Providers

/// Scores how cacheable a prompt trace is. Providers cache a prompt's prefix: the longer the
/// part each request repeats verbatim from the one before, the more is billed at the cache
/// rate. The analysis compares consecutive requests segment by segment (and, inside the
/// first differing segment, character by character), marks values that change from call to
/// call (dates, times, UUIDs, epoch timestamps) in the prefix, and suggests fixes.
///
/// Score: 100 × repeated-prefix share × min(1, prefix / 1,024 tokens) (a shorter prefix
/// cannot be cached) × 0.75 when volatile values sit in the prefix.
public struct CacheabilityAnalyzer: Sendable {
    /// Providers cache prefixes of at least this many tokens.
    public var minimumCacheableTokens = 1_024
    /// Parts smaller than this are not listed.
    public var minimumPartTokens = 50
    /// Counts a text's tokens; the default estimates four UTF-8 bytes a token.
    public var countTokens: @Sendable (String) -> Int
    public var estimatedTokens: Bool

    public init(countTokens: (@Sendable (String) -> Int)? = nil) {
        self.countTokens = countTokens ?? { ($0.utf8.count + 3) / 4 }
        self.estimatedTokens = countTokens == nil
    }

    static let volatile = try? CompiledPattern(
        #"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\b\d{1,2}:\d{2}:\d{2}\b|\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b|\b1[5-9]\d{8}(?:\d{3})?\b"#)

    /// - Parameters:
    ///   - requests: the trace's requests in order (one or more).
    ///   - provider: whose request format they are (for the caching advice).
    ///   - marksCache: whether the requests already carry cache markers (`cache_control`).
    public func analyze(_ requests: [PromptContent], provider: Provider, marksCache: Bool) -> CacheabilityReport {
        guard let last = requests.last else {
            return CacheabilityReport(requests: 0, promptTokens: 0, repeatedPrefixTokens: 0, repeatedPrefixShare: 0,
                                      stableTokens: 0, changingTokens: 0, score: 0, parts: [], firstChange: nil,
                                      volatileValues: [], suggestions: [], estimatedTokens: estimatedTokens)
        }
        let tokens = requests.map { $0.segments.map { countTokens($0.text) } }
        var repeated = 0
        var judged = 0
        var firstChange: String?
        var stableInLast: Set<Int> = []
        if requests.count == 1 {
            // One request: what comes before the final user message is re-sent by the next turn.
            let queryIndex = last.lastUserMessageIndex ?? Int.max
            for (index, segment) in last.segments.enumerated() where segment.messageIndex < queryIndex {
                stableInLast.insert(index)
                repeated += tokens[0][index]
            }
            judged = tokens[0].reduce(0, +)
        } else {
            for index in 1..<requests.count {
                let shared = sharedPrefix(requests[index - 1], requests[index], tokens: tokens[index])
                repeated += shared.tokens
                judged += tokens[index].reduce(0, +)
                if index == requests.count - 1 { stableInLast = Set(0..<shared.segments) }
                if firstChange == nil, let change = shared.change { firstChange = "request \(index + 1): \(change)" }
            }
        }
        let lastTokens = tokens[tokens.count - 1]
        let stableTokens = stableInLast.reduce(0) { $0 + lastTokens[$1] }
        // Values that change per call break caching where they sit: in the shared prefix, or in
        // the system prompt and tools, which every call sends first.
        let prefixText = last.segments.enumerated()
            .filter { stableInLast.contains($0.offset) || $0.element.role == .system || $0.element.messageIndex < 0 }.map(\.element.text)
        let volatileValues = Array(Set(prefixText.flatMap(Self.volatileValues))).sorted().prefix(10)
        let share = judged == 0 ? 0 : Double(repeated) / Double(judged)
        let averagePrefix = requests.count == 1 ? repeated : repeated / (requests.count - 1)
        let sizeFactor = min(1, Double(averagePrefix) / Double(minimumCacheableTokens))
        let score = Int((100 * share * sizeFactor * (volatileValues.isEmpty ? 1 : 0.75)).rounded())
        let parts = last.segments.enumerated().compactMap { index, segment -> CacheabilityReport.Part? in
            guard lastTokens[index] >= minimumPartTokens else { return nil }
            return CacheabilityReport.Part(role: segment.role.rawValue, kind: segment.kind.rawValue,
                                           messageIndex: segment.messageIndex, tokens: lastTokens[index],
                                           stable: stableInLast.contains(index), preview: Self.preview(segment.text))
        }
        var suggestions: [CacheabilityReport.Suggestion] = []
        if !volatileValues.isEmpty {
            suggestions.append(.init(code: "move_volatile_values",
                                     message: "the cached prefix contains values that change from call to call (\(volatileValues.prefix(3).joined(separator: ", "))); move them after the stable part, into the final message",
                                     tokens: nil))
        }
        if let firstChange, share < 0.9 {
            suggestions.append(.init(code: "stabilise_prefix",
                                     message: "the prefix changes early (\(firstChange)); keep the system prompt, tools and earlier turns byte-identical between calls",
                                     tokens: nil))
        }
        if averagePrefix < minimumCacheableTokens {
            suggestions.append(.init(code: "prefix_too_short",
                                     message: "the repeated prefix is about \(averagePrefix) tokens; providers cache prefixes of \(minimumCacheableTokens)+ tokens, so this prompt gains little from caching",
                                     tokens: averagePrefix))
        } else if provider == .anthropic && !marksCache {
            suggestions.append(.init(code: "add_cache_control",
                                     message: "Anthropic caches only what is marked: add \"cache_control\": {\"type\": \"ephemeral\"} to the last stable block (about \(stableTokens) tokens)",
                                     tokens: stableTokens))
        }
        let changing = lastTokens.reduce(0, +) - stableTokens
        return CacheabilityReport(
            requests: requests.count, promptTokens: tokens.flatMap { $0 }.reduce(0, +), repeatedPrefixTokens: repeated,
            repeatedPrefixShare: (share * 10_000).rounded() / 10_000, stableTokens: stableTokens, changingTokens: changing,
            score: min(max(score, 0), 100), parts: parts, firstChange: firstChange, volatileValues: Array(volatileValues),
            suggestions: suggestions, estimatedTokens: estimatedTokens)
    }

    /// The prefix `next` shares with `previous`: whole identical segments, then the common
    /// characters of the first segment that differs.
    func sharedPrefix(_ previous: PromptContent, _ next: PromptContent, tokens: [Int]) -> (segments: Int, tokens: Int, change: String?) {
        var count = 0
        var shared = 0
        while count < previous.segments.count, count < next.segments.count,
              Self.same(previous.segments[count], next.segments[count]) {
            shared += tokens[count]
            count += 1
        }
        guard count < next.segments.count else { return (count, shared, nil) }
        let changed = next.segments[count]
        var change = "\(changed.role.rawValue) \(changed.kind.rawValue) #\(changed.messageIndex) differs"
        if count < previous.segments.count {
            let before = previous.segments[count]
            if before.role == changed.role && before.kind == changed.kind {
                let common = zip(before.text.unicodeScalars, changed.text.unicodeScalars).prefix { $0 == $1 }.count
                let head = String(String.UnicodeScalarView(changed.text.unicodeScalars.prefix(common)))
                shared += countTokens(head)
                let tail = String(String.UnicodeScalarView(changed.text.unicodeScalars.dropFirst(common).prefix(40)))
                change += " after \(common) characters (\"\(tail)\")"
            }
        } else {
            return (count, shared, nil)
        }
        return (count, shared, change)
    }

    static func same(_ lhs: PromptSegment, _ rhs: PromptSegment) -> Bool {
        lhs.role == rhs.role && lhs.kind == rhs.kind && lhs.text == rhs.text
    }

    static func volatileValues(in text: String) -> [String] {
        guard let pattern = volatile else { return [] }
        let bytes = Array(text.utf8)
        return pattern.matches(in: text, limit: 10).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    static func preview(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 80 ? String(flat.prefix(77)) + "..." : flat
    }
}
