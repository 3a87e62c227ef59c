import Foundation
import Providers
import Testing

/// Recommendations from calls in the store: the rollup measures feed the checks, and the
/// findings carry example calls.
struct StoredRecommendationTests {
    @Test func checksFireFromStoredCallsAndNameExamples() async throws {
        let fixture = try AnalysisFixture()
        var records: [CallRecord] = []
        func at(_ index: Int) -> Int64 { AnalysisFixture.micros(day: 0, hour: 1) + Int64(index) * 60_000_000 }
        for index in 0..<10 {
            records.append(AnalysisFixture.call("U\(index)", at: at(index), source: "nocache", input: 3_000,
                                                analysis: AnalysisFixture.analysis(system: 1_500, tools: 500)))
        }
        for index in 0..<12 {
            records.append(AnalysisFixture.call("C\(index)", at: at(index), source: "capped", output: 100, maxOutput: 8_000))
        }
        for index in 0..<3 {
            records.append(AnalysisFixture.call("M\(index)", at: at(index), source: "local", model: "my-local-llama",
                                                provider: "openai"))
        }
        for index in 0..<20 {
            records.append(AnalysisFixture.call("O\(index)", at: at(index), source: "simple", model: "claude-opus-4-6",
                                                input: 5_000, output: 500,
                                                analysis: AnalysisFixture.analysis(system: 100, complexity: 2)))
        }
        try await fixture.insert(records)
        let json = try await fixture.get("/api/usage/recommendations")
        let found = json.array("recommendations")
        let pairs = Set(found.map { "\($0.string("check") ?? "")/\($0.string("source") ?? "-")" })
        #expect(pairs == ["uncached_system_prompt/nocache", "output_utilization/capped", "unpriced_models/-",
                          "right_sizing/simple"])
        #expect(json.int("span_days") == 1)
        let sizing = try #require(found.first { $0.string("check") == "right_sizing" })
        #expect(sizing.string("suggested_model") == "claude-haiku-4-5")
        // 20 calls × ($0.0375 on Opus - $0.0075 on Haiku) = $0.60 in one day: $18 a month.
        #expect(sizing.double("window_saving_usd") == 0.6)
        #expect(sizing.double("monthly_saving_usd") == 18)
        #expect(found.first?.string("check") == "right_sizing")
        let uncached = try #require(found.first { $0.string("check") == "uncached_system_prompt" })
        let examples = uncached.object("evidence")?["call_ids"] as? [String] ?? []
        #expect(examples.count == 3 && examples.allSatisfy { $0.hasPrefix("U") })
        let unpriced = try #require(found.first { $0.string("check") == "unpriced_models" })
        #expect(unpriced.string("model") == "my-local-llama")
        #expect(unpriced.object("evidence")?.int("calls") == 3)

        let sizingView = try await fixture.get("/api/usage/right-sizing")
        let item = try #require(sizingView.array("items").first { $0.string("source") == "simple" })
        #expect(item.object("complexity")?["histogram"] as? [Int] == [0, 0, 20, 0, 0, 0, 0, 0, 0, 0])
        #expect(item.object("suggestion")?.double("saving_usd") == 0.6)
    }
}
