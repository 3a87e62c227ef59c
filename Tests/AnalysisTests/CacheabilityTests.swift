import Foundation
import Insights
import Providers
import Testing

/// `POST /api/analyze` answers with the report `tokenlens analyze --format json` prints (the
/// analysis itself is tested in InsightsTests).
struct AnalyzeEndpointTests {
    static let rules = String(repeating: "Follow the house style. ", count: 350)

    /// A dated Anthropic system prompt: the date is volatile text at the head of the prefix.
    @Test func reportsAnAnthropicRequest() throws {
        let fixture = try AnalysisFixture()
        let body = #"{"model":"claude-sonnet-4-5","max_tokens":100,"system":"Today is 2026-03-15T10:00:00Z. "# + Self.rules
            + #"","messages":[{"role":"user","content":"hello there"}]}"#
        let reply = fixture.api.analyze(body: Array(body.utf8))
        #expect(reply.status == 200)
        let json = try AnalysisFixture.object(reply.json)
        #expect(json.string("provider") == "anthropic")
        #expect(json.int("requests") == 1)
        let ids = json.array("findings").compactMap { $0.string("id") }
        #expect(ids.contains("volatile-prefix"))
        let expected = CacheabilityAnalyzer.analyze(try PromptTrace.parse(Array(body.utf8)))
        #expect(json.int("score") == expected.score)
    }

    @Test func refusesWhatIsNotATrace() throws {
        let fixture = try AnalysisFixture()
        #expect(fixture.api.analyze(body: Array("{not json".utf8)).status == 400)
        #expect(fixture.api.analyze(body: Array("".utf8)).status == 400)
        #expect(fixture.api.analyze(body: Array(#"{"model":"gpt-5"}"#.utf8)).status == 422)
    }
}
