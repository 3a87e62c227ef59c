/// The token heatmap and waste report of one request, counted with one tokenizer.
public struct PromptAnalysis: Sendable, Equatable, Codable {
    public var heatmap: TokenHeatmap
    public var waste: WasteReport

    public init(heatmap: TokenHeatmap, waste: WasteReport) {
        self.heatmap = heatmap
        self.waste = waste
    }

    /// The prompt's tokens, segment by segment (message framing not included).
    public var promptTokens: Int { heatmap.total }
    public var accuracy: TokenCountAccuracy { heatmap.accuracy }
}
