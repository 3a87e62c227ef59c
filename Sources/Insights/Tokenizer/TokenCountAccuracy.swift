/// How far a token count can be trusted. Only OpenAI publishes its tokenizers, so a count is
/// exact for OpenAI models alone; everything else is an estimate, and says so.
public enum TokenCountAccuracy: String, Sendable, Codable, CaseIterable {
    /// Counted with the model's own vocabulary: what the provider bills, before message framing.
    case exact
    /// Counted with o200k for a model whose tokenizer is not public (Claude, Gemini) or not
    /// known; typically within 10–25% of the provider's count.
    case otherVocabulary
    /// The vocabularies could not be loaded: a word-and-run heuristic (`TokenEstimator`), within
    /// about 20% on English, code and JSON.
    case heuristic

    public var isEstimate: Bool { self != .exact }
}
