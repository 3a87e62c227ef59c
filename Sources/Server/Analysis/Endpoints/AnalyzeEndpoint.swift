import Insights
import Providers

/// `POST /api/analyze?min_tokens=50`: the cacheability of a prompt trace, the same report as
/// `tokenlens analyze --format json`. The body is one request body of any supported provider
/// format, a bare list of chat messages, a JSON array of bodies, `{"requests": [...]}` or JSON
/// Lines; each request's provider is read from its shape.
enum AnalyzeEndpoint {
    static func reply(body: [UInt8], query: AnalysisQuery) -> AnalysisAPI.Reply {
        let trace: PromptTrace
        do {
            trace = try PromptTrace.parse(body)
        } catch .unrecognised(let detail) {
            return AnalysisJSON.error(422, detail)
        } catch {
            return AnalysisJSON.error(400, "\(error)")
        }
        let options = CacheabilityAnalyzer.Options(minTokens: query.int("min_tokens", default: 50, range: 0...1_000_000))
        let report = CacheabilityAnalyzer.analyze(trace, options: options)
        return AnalysisAPI.Reply(status: 200, json: JSONWriter.serialize(report.json))
    }
}
