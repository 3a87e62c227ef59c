/// Tokens a request spends on junk, by category, with a few short samples of each so a
/// person can see what was flagged. Counts are what removing the junk would save, counted
/// with the same tokenizer as the prompt (`accuracy` says whether that is exact).
public struct WasteReport: Sendable, Equatable, Codable {
    public struct Finding: Sendable, Equatable, Codable {
        public var category: WasteCategory
        public var tokens: Int
        /// How many places (runs, phrases, repeated sentences, messages) were flagged.
        public var occurrences: Int
        /// Up to `WasteReport.sampleLimit` excerpts, each at most `sampleLength` characters.
        public var samples: [String]

        public init(category: WasteCategory, tokens: Int = 0, occurrences: Int = 0, samples: [String] = []) {
            self.category = category
            self.tokens = tokens
            self.occurrences = occurrences
            self.samples = samples
        }

        mutating func add(tokens: Int, sample: @autoclosure () -> String) {
            self.tokens += tokens
            occurrences += 1
            if samples.count < WasteReport.sampleLimit {
                let text = WasteReport.shorten(sample())
                if !samples.contains(text) { samples.append(text) }
            }
        }
    }

    public static let sampleLimit = 3
    public static let sampleLength = 80

    /// One finding per category, in `WasteCategory.allCases` order, zeros included.
    public var findings: [Finding]
    /// The prompt's tokens, segment by segment.
    public var promptTokens: Int
    public var encoding: TokenEncoding
    public var accuracy: TokenCountAccuracy

    public init(promptTokens: Int, encoding: TokenEncoding, accuracy: TokenCountAccuracy) {
        findings = WasteCategory.allCases.map { Finding(category: $0) }
        self.promptTokens = promptTokens
        self.encoding = encoding
        self.accuracy = accuracy
    }

    public subscript(category: WasteCategory) -> Finding {
        get { findings.first { $0.category == category } ?? Finding(category: category) }
        set {
            if let index = findings.firstIndex(where: { $0.category == category }) { findings[index] = newValue }
        }
    }

    public var wastedTokens: Int { findings.reduce(0) { $0 + $1.tokens } }

    /// Wasted tokens as a share of the prompt, 0 for an empty prompt.
    public var wasteRatio: Double {
        promptTokens == 0 ? 0 : min(1, Double(wastedTokens) / Double(promptTokens))
    }

    static func shorten(_ text: String) -> String {
        text.count <= sampleLength ? text : String(text.prefix(sampleLength - 1)) + "…"
    }
}
