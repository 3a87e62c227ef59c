import Providers

/// Runs the token heatmap and waste detection on requests, sharing one count of each
/// segment between them. Build one per process and use it from any thread: it holds the
/// vocabularies (loaded on first use) and a `TokenCountCache`, so the system prompt, tools
/// and history an agent resends on every call are tokenized once.
public final class PromptAnalyzer: Sendable {
    public let store: VocabularyStore
    public let cache: TokenCountCache

    public init(store: VocabularyStore = .bundled, cache: TokenCountCache = TokenCountCache()) {
        self.store = store
        self.cache = cache
    }

    /// The counter for `model` (exact, o200k estimate or heuristic; see `TokenCounter`).
    public func counter(for model: String) -> TokenCounter {
        TokenCounter(model: model, store: store, cache: cache)
    }

    /// Analyses a request body: extracts its prompt, finds its empty messages, and counts.
    public func analyze(provider: Provider, endpoint: Endpoint, body: JSONValue, model: String) -> PromptAnalysis {
        analyze(PromptExtractor.extract(provider: provider, endpoint: endpoint, body: body),
                provider: provider, endpoint: endpoint, body: body, model: model)
    }

    /// The same, for a body whose prompt content the caller has already extracted.
    public func analyze(_ content: PromptContent, provider: Provider, endpoint: Endpoint, body: JSONValue,
                        model: String) -> PromptAnalysis {
        let empty = EmptyMessageFinder.emptyMessages(provider: provider, endpoint: endpoint, body: body)
        return analyze(content, model: model, emptyMessages: empty, everyInputIsQuery: endpoint == .embeddings)
    }

    /// Analyses extracted prompt content. Without `emptyMessages` only whitespace-only
    /// messages are reported empty (see `WasteDetector.analyze`).
    public func analyze(_ content: PromptContent, model: String, emptyMessages: [Int]? = nil,
                        everyInputIsQuery: Bool = false) -> PromptAnalysis {
        let counter = counter(for: model)
        let counts = SegmentTokenCounts(content, counter: counter)
        let heatmap = TokenHeatmap(content: content, counts: counts, counter: counter, everyInputIsQuery: everyInputIsQuery)
        let waste = WasteDetector(counter: counter).analyze(content, counts: counts, emptyMessages: emptyMessages)
        return PromptAnalysis(heatmap: heatmap, waste: waste)
    }
}
