import Foundation
import Policy
import Providers
@testable import Server
import Testing

/// Every endpoint answers valid JSON with its documented keys, on an empty store and on a
/// populated one, and the views agree with each other.
struct EndpointTests {
    static let expectedKeys: [String: [String]] = [
        "/api/usage/forecast": ["month", "spend_to_date_usd", "trend", "projected_month_usd", "confidence", "budget"],
        "/api/usage/by-tag": ["days", "tags", "untagged", "sources"],
        "/api/usage/token-breakdown": ["days", "totals", "daily"],
        "/api/usage/cache-trend": ["days", "hit_rate", "trend", "daily"],
        "/api/usage/sessions": ["days", "gap_minutes", "count", "pattern_counts", "sessions"],
        "/api/usage/provider-health": ["days", "providers"],
        "/api/usage/rate-limits": ["days", "total", "refused_by_tokenlens", "providers", "hourly"],
        "/api/usage/recommendations": ["days", "checks", "count", "monthly_saving_usd", "recommendations"],
        "/api/usage/waste-summary": ["days", "analysed_calls", "waste_tokens", "by_type", "sources"],
        "/api/usage/conversation-efficiency": ["days", "threshold", "flagged", "sources"],
        "/api/usage/token-heatmap": ["days", "sections", "sources", "calls"],
        "/api/usage/anomalies": ["days", "sigma", "anomalies"],
        "/api/usage/right-sizing": ["days", "ladder", "items", "monthly_saving_usd"],
        "/api/usage/output-utilization": ["days", "items", "totals"],
        "/api/usage/digest": ["spend_usd", "previous_spend_usd", "top_sources", "top_models", "budget", "recommendations"],
    ]

    @Test func everyEndpointAnswersOnAnEmptyStore() async throws {
        let fixture = try AnalysisFixture()
        for path in AnalysisAPI.paths where path != "/api/usage/compare" {
            let json = try await fixture.get(path)
            for key in Self.expectedKeys[path] ?? [] { #expect(json[key] != nil, "\(path) lacks \(key)") }
        }
        #expect(Set(AnalysisAPI.paths) == Set(Self.expectedKeys.keys).union(["/api/usage/compare"]))
    }

    static func populated() async throws -> AnalysisFixture {
        let fixture = try AnalysisFixture(snapshot: PolicySnapshot(version: "t", budget: {
            var budget = BudgetSettings()
            budget.monthlyLimitUSD = 10
            return budget
        }()))
        var records: [CallRecord] = []
        for index in 0..<300 {
            let day = -(index % 20)
            records.append(AnalysisFixture.call(
                String(format: "P%05d", index), at: AnalysisFixture.micros(day: day, hour: Double(index % 11)),
                source: ["alpha", "beta", "gamma"][index % 3], model: index % 2 == 0 ? "claude-sonnet-4-5" : "claude-haiku-4-5",
                input: 2_000, output: 300, cacheRead: Int64(index % 4) * 1_000,
                outcome: index % 29 == 0 ? .upstreamError : .ok, status: index % 29 == 0 ? 429 : 200,
                latencyMs: Double(200 + index), tags: index % 3 == 0 ? ["team": "search", "env": "prod"] : [:],
                maxOutput: 1_000, analysis: AnalysisFixture.analysis(system: 500, history: 1_000, whitespace: 20,
                                                                    complexity: Int64(index % 10))))
        }
        try await fixture.insert(records)
        return fixture
    }

    @Test func viewsAgreeOnAPopulatedStore() async throws {
        let fixture = try await Self.populated()
        for path in AnalysisAPI.paths where path != "/api/usage/compare" {
            let json = try await fixture.get(path)
            for key in Self.expectedKeys[path] ?? [] { #expect(json[key] != nil, "\(path) lacks \(key)") }
        }
        // Token breakdown total = the sum of the by-source figures = the sum of the days.
        let breakdown = try await fixture.get("/api/usage/token-breakdown", ["days": "30"])
        let total = try #require(breakdown.object("totals")?.object("total"))
        let byTag = try await fixture.get("/api/usage/by-tag", ["days": "30"])
        let sourceCost = byTag.array("sources").compactMap { $0.double("cost_usd") }.reduce(0, +)
        #expect(abs((total.double("cost_usd") ?? 0) - sourceCost) < 1e-9)
        let dailyCost = breakdown.array("daily").compactMap { $0.object("breakdown")?.object("total")?.double("cost_usd") }.reduce(0, +)
        #expect(abs(dailyCost - sourceCost) < 1e-9)
        #expect(breakdown.array("daily").count == 30)
        // Tags: 100 calls tagged team=search and env=prod; 200 untagged.
        let tags = byTag.array("tags")
        #expect(Set(tags.compactMap { $0.string("tag") }) == ["env=prod", "team=search"])
        #expect(tags.allSatisfy { $0.int("calls") == 100 })
        #expect(byTag.object("untagged")?.int("calls") == 200)
        // Rate limits: every 29th call was a provider 429 (index 0, 29, ... within 20 days).
        let limits = try await fixture.get("/api/usage/rate-limits", ["days": "30"])
        #expect(limits.int("total") == 11)
        // Health: calls per provider match, errors are the 429s.
        let health = try await fixture.get("/api/usage/provider-health", ["days": "30"])
        let anthropic = try #require(health.array("providers").first)
        #expect(anthropic.int("calls") == 300)
        #expect(anthropic.int("errors") == 11)
        #expect(anthropic.object("latency_ms")?.double("p50") == 349)
        // Heatmap sections add up: 300 analysed calls of 500 + 1,000 + 100 tokens.
        let heatmap = try await fixture.get("/api/usage/token-heatmap", ["days": "30", "limit": "5"])
        #expect(heatmap.int("analysed_calls") == 300)
        #expect(heatmap.object("sections")?.object("history")?.int("tokens") == 300_000)
        #expect(heatmap.array("calls").count == 5)
        // Output utilisation: 300 output tokens of a 1,000 cap.
        let output = try await fixture.get("/api/usage/output-utilization", ["days": "30"])
        #expect(output.object("totals")?.double("utilization") == 0.3)
        // Budget of $10 a month shows in the forecast.
        let forecast = try await fixture.get("/api/usage/forecast")
        #expect(forecast.object("budget")?.double("monthly_limit_usd") == 10)
        let conversation = try await fixture.get("/api/usage/conversation-efficiency", ["days": "30"])
        #expect(conversation["flagged"] as? [String] == ["alpha", "beta", "gamma"])
    }

    @Test func analyzeThroughTheAPI() async throws {
        let fixture = try AnalysisFixture()
        let body = Array(#"{"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"hi"}]}"#.utf8)
        let reply = fixture.api.analyze(body: body)
        #expect(reply.status == 200)
        let json = try AnalysisFixture.object(reply.json)
        #expect(json.string("provider") == "openai")
        #expect(json.int("requests") == 1)
        #expect(fixture.api.analyze(body: Array("{".utf8)).status == 400)
        #expect(fixture.api.analyze(body: Array("{}".utf8)).status == 422)
    }
}
