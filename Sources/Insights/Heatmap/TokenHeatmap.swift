import Providers

/// Where a request's prompt tokens go: the system prompt, tool definitions, context (tool
/// results, injected documents), history (earlier turns) and the query. The sections add up
/// to `total`, the prompt counted segment by segment; message framing (a few tokens per
/// message) belongs to no section and is not included.
public struct TokenHeatmap: Sendable, Equatable, Codable {
    public var system = 0
    public var tools = 0
    public var context = 0
    public var history = 0
    public var query = 0
    public var encoding: TokenEncoding
    public var accuracy: TokenCountAccuracy

    /// Counts every segment of `content` and sorts the tokens into sections.
    public init(content: PromptContent, counter: TokenCounter, everyInputIsQuery: Bool = false) {
        self.init(content: content, counts: SegmentTokenCounts(content, counter: counter), counter: counter,
                  everyInputIsQuery: everyInputIsQuery)
    }

    /// Sorts already counted segments into sections. `counter` counts injected documents
    /// inside system and user text. `everyInputIsQuery` is for embeddings, whose inputs are
    /// all the query rather than a conversation.
    public init(content: PromptContent, counts: SegmentTokenCounts, counter: TokenCounter, everyInputIsQuery: Bool = false) {
        encoding = counts.encoding
        accuracy = counts.accuracy
        let queryIndex = content.lastUserMessageIndex
        for (segment, tokens) in zip(content.segments, counts.counts) {
            var section = PromptSection.of(segment, queryIndex: queryIndex)
            if everyInputIsQuery, section == .history, segment.role == .user { section = .query }
            var remaining = tokens
            if segment.kind == .text, segment.role == .system || segment.role == .user {
                // The document's own count, capped so the sections still add up to the segment's.
                let documents = Self.documentTokens(in: segment.text, counter: counter)
                let moved = min(documents, remaining)
                self[.context] += moved
                remaining -= moved
            }
            self[section] += remaining
        }
    }

    public init(encoding: TokenEncoding, accuracy: TokenCountAccuracy) {
        self.encoding = encoding
        self.accuracy = accuracy
    }

    public subscript(section: PromptSection) -> Int {
        get {
            switch section {
            case .system: system
            case .tools: tools
            case .context: context
            case .history: history
            case .query: query
            }
        }
        set {
            switch section {
            case .system: system = newValue
            case .tools: tools = newValue
            case .context: context = newValue
            case .history: history = newValue
            case .query: query = newValue
            }
        }
    }

    public var total: Int { system + tools + context + history + query }

    /// The section's share of the total, 0 when the prompt is empty.
    public func share(of section: PromptSection) -> Double {
        total == 0 ? 0 : Double(self[section]) / Double(total)
    }

    public var isEstimate: Bool { accuracy.isEstimate }

    static func documentTokens(in text: String, counter: TokenCounter) -> Int {
        let ranges = InjectedDocuments.ranges(in: text)
        guard !ranges.isEmpty else { return 0 }
        let utf8 = Array(text.utf8)
        return ranges.reduce(0) { sum, range in
            sum + counter.count(String(decoding: utf8[range], as: UTF8.self))
        }
    }
}
