import Insights
import Providers

/// Turns a request body into the `RequestAnalysis` recorded with its call: the token heatmap,
/// the waste report and the complexity score, using the exact tokenizer where the model has one.
enum RequestAnalyzer {
    static func make(analyzer: PromptAnalyzer = PromptAnalyzer()) -> @Sendable (Provider, Endpoint, String?, JSONValue) -> RequestAnalysis? {
        { provider, endpoint, model, body in
            let content = PromptExtractor.extract(provider: provider, endpoint: endpoint, body: body)
            guard !content.segments.isEmpty else { return nil }
            let result = analyzer.analyze(content, provider: provider, endpoint: endpoint, body: body, model: model ?? "")
            var analysis = RequestAnalysis()
            analysis.systemTokens = Int64(result.heatmap.system)
            analysis.toolTokens = Int64(result.heatmap.tools)
            analysis.contextTokens = Int64(result.heatmap.context)
            analysis.historyTokens = Int64(result.heatmap.history)
            analysis.queryTokens = Int64(result.heatmap.query)
            analysis.whitespaceWasteTokens = Int64(result.waste[.whitespace].tokens)
            analysis.fillerWasteTokens = Int64(result.waste[.politeFiller].tokens)
            analysis.repeatedWasteTokens = Int64(result.waste[.redundantInstructions].tokens)
            analysis.emptyMessages = Int64(result.waste[.emptyMessages].occurrences)
            analysis.messageCount = Int64(content.messageCount)
            let maxOutput = body["max_tokens"]?.intValue ?? body["max_completion_tokens"]?.intValue
                ?? body["max_output_tokens"]?.intValue ?? body["generationConfig"]?["maxOutputTokens"]?.intValue
            analysis.complexity = Int64(ComplexityScorer.signals(content: content, promptTokens: result.heatmap.total,
                                                                 maxOutputTokens: maxOutput).score)
            analysis.exactTokens = result.accuracy == .exact
            return analysis
        }
    }
}
