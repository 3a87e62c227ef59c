/// Counts a model's tokens: exactly with its own OpenAI vocabulary, with o200k for Claude,
/// Gemini and unknown models, or with `TokenEstimator` when no vocabulary can be loaded.
/// `accuracy` says which, so an estimate is never passed off as exact. With a cache, long
/// texts seen before (a resent system prompt) are not counted again.
public struct TokenCounter: Sendable {
    public let encoding: TokenEncoding
    public let accuracy: TokenCountAccuracy
    let tokenizer: BPETokenizer?
    let cache: TokenCountCache?

    /// The counter for `model`, with vocabularies from `store`.
    public init(model: String, store: VocabularyStore = .bundled, cache: TokenCountCache? = nil) {
        let selection = EncodingSelection.forModel(model)
        self.init(encoding: selection.encoding, isModelsOwn: selection.isModelsOwn, store: store, cache: cache)
    }

    /// A counter for an encoding chosen by the caller.
    public init(encoding: TokenEncoding, isModelsOwn: Bool = true, store: VocabularyStore = .bundled,
                cache: TokenCountCache? = nil) {
        self.encoding = encoding
        tokenizer = store.tokenizer(for: encoding)
        accuracy = tokenizer == nil ? .heuristic : isModelsOwn ? .exact : .otherVocabulary
        self.cache = cache
    }

    /// A counter over a tokenizer already at hand.
    public init(tokenizer: BPETokenizer, accuracy: TokenCountAccuracy = .exact, cache: TokenCountCache? = nil) {
        encoding = tokenizer.encoding
        self.tokenizer = tokenizer
        self.accuracy = accuracy
        self.cache = cache
    }

    public var isEstimate: Bool { accuracy.isEstimate }

    public func count(_ text: String) -> Int {
        if text.isEmpty { return 0 }
        guard let tokenizer else { return TokenEstimator.count(text) }
        guard let cache else { return tokenizer.count(text) }
        return cache.count(text, encoding: encoding) { tokenizer.count(text) }
    }
}
