import Foundation
import Insights
import Providers
import Testing

/// The cacheability score of prompt traces (tokens estimated at four bytes each).
struct CacheabilityTests {
    static let rules = String(repeating: "Follow the house style. ", count: 350)   // 8,400 bytes: 2,100 tokens

    static func chat(_ system: String, _ turns: [String]) -> JSONValue {
        var messages: [JSONValue] = [.object(JSONObject([("role", .string("system")), ("content", .string(system))]))]
        for (index, text) in turns.enumerated() {
            messages.append(.object(JSONObject([("role", .string(index % 2 == 0 ? "user" : "assistant")), ("content", .string(text))])))
        }
        return .object(JSONObject([("model", .string("gpt-5")), ("messages", .array(messages))]))
    }

    static func contents(_ bodies: [JSONValue]) -> [PromptContent] {
        bodies.map { PromptExtractor.extract(provider: .openai, endpoint: .chatCompletions, body: $0) }
    }

    /// A conversation that only appends turns repeats its whole previous prompt each call.
    @Test func appendOnlyConversationScoresHigh() {
        let trace = Self.contents([
            Self.chat(Self.rules, ["first question"]),
            Self.chat(Self.rules, ["first question", "first answer", "second question"]),
            Self.chat(Self.rules, ["first question", "first answer", "second question", "second answer", "third"]),
        ])
        let report = CacheabilityAnalyzer().analyze(trace, provider: .openai, marksCache: false)
        #expect(report.requests == 3)
        #expect(report.firstChange == nil)
        #expect(report.repeatedPrefixShare > 0.99)
        #expect(report.score >= 99)
        #expect(report.volatileValues.isEmpty)
        #expect(report.suggestions.isEmpty)
        #expect(report.parts.first?.stable == true && report.parts.first?.tokens == 2_100)
    }

    /// A timestamp at the top of the system prompt changes every call: almost nothing repeats.
    @Test func timestampInTheSystemPromptBreaksThePrefix() {
        let trace = Self.contents([
            Self.chat("Now: 2026-03-15T10:00:00. " + Self.rules, ["q"]),
            Self.chat("Now: 2026-03-15T10:05:00. " + Self.rules, ["q", "a", "q2"]),
        ])
        let report = CacheabilityAnalyzer().analyze(trace, provider: .openai, marksCache: false)
        #expect(report.score < 5)
        #expect(report.firstChange?.hasPrefix("request 2: system text #0 differs after 20 characters") == true)
        #expect(report.volatileValues == ["2026-03-15T10:05:00"])
        #expect(Set(report.suggestions.map(\.code)) == ["move_volatile_values", "stabilise_prefix", "prefix_too_short"])
    }

    /// One Anthropic request: the system prompt comes before the query, so the next turn would
    /// re-send it; a date in it costs a quarter of the score, and nothing is marked for caching.
    @Test func singleAnthropicRequestThroughTheEndpoint() async throws {
        let fixture = try AnalysisFixture()
        let body = #"{"model":"claude-sonnet-4-5","max_tokens":100,"system":"Today is 2026-03-15. "# + Self.rules
            + #"","messages":[{"role":"user","content":"hello there"}]}"#
        let reply = fixture.api.analyze(body: Array(body.utf8))
        let json = try AnalysisFixture.object(reply.json)
        #expect(json.string("provider") == "anthropic")
        #expect(json.int("stable_tokens") == 2_106)
        #expect(json.int("changing_tokens") == 3)
        // 100 × 2106/2109 × 0.75 = 74.9 → 75.
        #expect(json.int("score") == 75)
        #expect(json["volatile_values"] as? [String] == ["2026-03-15"])
        let codes = json.array("suggestions").compactMap { $0.string("code") }
        #expect(codes == ["move_volatile_values", "add_cache_control"])
        #expect(json.bool("estimated_tokens") == true)
    }
}

extension Dictionary where Key == String, Value == Any {
    func bool(_ key: String) -> Bool? { self[key] as? Bool }
}
