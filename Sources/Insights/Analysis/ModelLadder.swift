/// The cheaper models right-sizing may suggest, per provider, each with the highest call
/// complexity (0–9) it is trusted with. A suggestion is always a model of the same provider,
/// so switching needs no other change than the model name.
public struct ModelLadder: Sendable, Equatable {
    public struct Rung: Sendable, Equatable {
        /// Provider as records name it: `openai`, `anthropic`, `google`.
        public var provider: String
        public var model: String
        public var maxComplexity: Int

        public init(provider: String, model: String, maxComplexity: Int) {
            self.provider = provider
            self.model = model
            self.maxComplexity = maxComplexity
        }
    }

    public var rungs: [Rung]

    public init(rungs: [Rung]) {
        self.rungs = rungs
    }

    /// Small models for simple calls (≤ 3–4), mid-size models for most of the rest (≤ 6–7).
    public static let standard = ModelLadder(rungs: [
        Rung(provider: "openai", model: "gpt-5-nano", maxComplexity: 3),
        Rung(provider: "openai", model: "gpt-5-mini", maxComplexity: 6),
        Rung(provider: "anthropic", model: "claude-haiku-4-5", maxComplexity: 4),
        Rung(provider: "anthropic", model: "claude-sonnet-4-6", maxComplexity: 7),
        Rung(provider: "google", model: "gemini-2.5-flash-lite", maxComplexity: 3),
        Rung(provider: "google", model: "gemini-2.5-flash", maxComplexity: 6),
    ])

    public func rungs(for provider: String) -> [Rung] { rungs.filter { $0.provider == provider } }
}
