import Foundation
import Providers
import Testing

/// Model comparison, checked by hand against the shipped prices.
struct CompareTests {
    /// Two Sonnet 4.5 calls (recorded under the dated id) re-priced on Haiku 4.5.
    /// Sonnet: 1000×$3 + 500×$15 + 2000×$0.30 = $0.0111, and 3000×$3 + 1000×$15 + 4000×$3.75
    /// = $0.039 (per million): $0.0501. Haiku: 1000×$1 + 500×$5 + 2000×$0.10 = $0.0037, and
    /// 3000×$1 + 1000×$5 + 4000×$1.25 = $0.013: $0.0167. Difference -$0.0334.
    @Test func sonnetToHaikuByHand() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.insert([
            AnalysisFixture.call("S1", at: AnalysisFixture.micros(day: -1), model: "claude-sonnet-4-5-20250929",
                                 input: 1_000, output: 500, cacheRead: 2_000),
            AnalysisFixture.call("S2", at: AnalysisFixture.micros(day: 0, hour: 3), source: "other",
                                 model: "claude-sonnet-4-5", input: 3_000, output: 1_000, cacheWrite: 4_000),
            AnalysisFixture.call("X1", at: AnalysisFixture.micros(day: 0, hour: 4), model: "claude-opus-4-6"),
        ])
        let json = try await fixture.get("/api/usage/compare", ["from_model": "claude-sonnet-4-5", "to_model": "claude-haiku-4-5"])
        #expect(json["matched_models"] as? [String] == ["claude-sonnet-4-5", "claude-sonnet-4-5-20250929"])
        #expect(json.int("calls") == 2)
        #expect(json.double("from_cost_usd") == 0.0501)
        #expect(json.double("to_cost_usd") == 0.0167)
        #expect(json.double("difference_usd") == -0.0334)
        #expect(json.double("savings_usd") == 0.0334)
        let to = json.object("cost_by_type")?.object("to")
        #expect(to?.double("cache_write") == 0.005)
        #expect(to?.double("cache_read") == 0.0002)
        let sources = json.array("sources")
        #expect(sources.map { $0.string("source") } == ["other", "agent"])
        #expect(sources.first?.double("to_cost_usd") == 0.013)
    }

    /// Long-context rates apply per call: Gemini 2.5 Flash → Pro with one call above 200k
    /// prompt tokens. Pro: 1000×$1.25 + 100×$10 = $0.00225; 250k×$2.50 + 1000×$15 (the above-200k
    /// rates) = $0.64; total $0.64225 (pricing the summed tokens at one rate would give $0.644).
    /// Flash recorded: $0.00055 + $0.0775 = $0.07805.
    @Test func longContextBracketsRepriceExactly() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.insert([
            AnalysisFixture.call("G1", at: AnalysisFixture.micros(day: -3), model: "gemini-2.5-flash", provider: "google",
                                 input: 1_000, output: 100),
            AnalysisFixture.call("G2", at: AnalysisFixture.micros(day: 0, hour: 1), model: "gemini-2.5-flash", provider: "google",
                                 input: 250_000, output: 1_000),
        ])
        let json = try await fixture.get("/api/usage/compare", ["from_model": "gemini-2.5-flash", "to_model": "gemini-2.5-pro"])
        #expect(json.double("from_cost_usd") == 0.07805)
        #expect(json.double("to_cost_usd") == 0.64225)
        #expect(json.double("difference_usd") == 0.5642)
    }

    @Test func missingOrUnknownModelsAreErrors() async throws {
        let fixture = try AnalysisFixture()
        let missing = try await fixture.api.get("/api/usage/compare", query: ["from_model": "gpt-5"])
        #expect(missing?.status == 400)
        let unknown = try await fixture.api.get("/api/usage/compare", query: ["from_model": "gpt-5", "to_model": "no-such-model"])
        #expect(unknown?.status == 422)
        let empty = try await fixture.get("/api/usage/compare", ["from_model": "gpt-5", "to_model": "gpt-5-mini"])
        #expect(empty.int("calls") == 0)
        #expect(empty.double("from_cost_usd") == 0)
    }
}
