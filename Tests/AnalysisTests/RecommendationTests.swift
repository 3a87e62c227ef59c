import Foundation
import Insights
import Providers
import Recorder
import Testing

/// Every recommendation check fires on data made for it, and stays silent on healthy use.
struct RecommendationTests {
    static let prices = PriceTable.shipped

    /// Healthy use of Claude Sonnet 4.5 over 30 days: 100 calls, mostly cached, modest history,
    /// little waste, output caps half used, streamed, complex work.
    static func cleanFigures() -> UsageFigures {
        var figures = UsageFigures()
        figures.calls = 100
        figures.inputTokens = 200_000
        figures.cacheReadTokens = 800_000
        figures.cacheWriteTokens = 50_000
        figures.outputTokens = 50_000
        figures.latencyMs = 100 * 3_000
        figures.analysedCalls = 100
        figures.heatSystem = 300_000
        figures.heatTools = 100_000
        figures.heatContext = 200_000
        figures.heatHistory = 300_000
        figures.heatQuery = 150_000
        figures.wasteWhitespace = 10_000
        figures.messageCount = 600
        figures.cappedCalls = 100
        figures.capTokens = 100_000
        figures.cappedOutputTokens = 50_000
        return figures
    }

    /// Sets the cost fields from the tokens at `model`'s rates.
    static func priced(_ figures: UsageFigures, model: String) -> UsageFigures {
        var figures = figures
        let usage = Repricer.usage(figures)
        guard let price = prices.price(for: model), let cost = CostCalculator.breakdown(of: usage, at: price) else {
            return figures
        }
        figures.costPico = cost.total
        figures.costInputPico = cost.input
        figures.costOutputPico = cost.output
        figures.costReasoningPico = cost.reasoning
        figures.costCacheReadPico = cost.cacheRead
        figures.costCacheWritePico = cost.cacheWrite
        figures.cacheSavingsPico = cost.cacheSavings
        return figures
    }

    static func group(_ source: String, model: String = "claude-sonnet-4-5", provider: String = "anthropic",
                      stream: Bool = true, outcome: String = "ok", priced isPriced: Bool = true,
                      _ change: (inout UsageFigures) -> Void = { _ in }) -> UsageGroup {
        var figures = cleanFigures()
        change(&figures)
        return UsageGroup(provider: provider, source: source, model: model, stream: stream, outcome: outcome,
                          priced: isPriced, figures: isPriced ? priced(figures, model: model) : figures)
    }

    /// Complex calls (score 8) on Sonnet: no cheaper model is trusted with them.
    static func cleanComplexity() -> [ComplexityGroup] {
        [ComplexityGroup(complexity: 8, group: group("clean"))]
    }

    static func input(_ groups: [UsageGroup], complexity: [ComplexityGroup] = cleanComplexity(),
                      patterns: [SessionPattern] = []) -> RecommendationInput {
        RecommendationInput(spanDays: 30, groups: [group("clean")] + groups,
                            rightSizing: RightSizer().analyze(complexity, prices: prices), patterns: patterns, prices: prices)
    }

    static func pattern(_ kind: SessionPattern.Kind, source: String, calls: [String], extra: Int64) -> SessionPattern {
        SessionPattern(kind: kind, sessionID: "\(source)@\(calls[0])", source: source, callIDs: calls, timestampMicros: 0,
                       extraCostPico: extra, figures: [], detail: "")
    }

    static let dollar: Int64 = 1_000_000_000_000

    /// Data made for each check: the clean source plus one source showing the problem.
    static func data(for check: Recommendation.Check) -> RecommendationInput {
        switch check {
        case .cacheUtilization:
            // 500k tokens written to cache, 10k read back: the write premium is a loss.
            return input([group("cachewaste") { $0.cacheWriteTokens = 500_000; $0.cacheReadTokens = 10_000 }])
        case .uncachedSystemPrompt:
            return input([group("nocache") {
                $0.cacheReadTokens = 0; $0.cacheWriteTokens = 0; $0.inputTokens = 1_050_000
                $0.uncachedSystemCalls = 80; $0.uncachedSystemTokens = 80 * 2_000
            }])
        case .cacheBreaks:
            return input([], patterns: [pattern(.cacheBreak, source: "breaker", calls: ["b1", "b2"], extra: dollar / 2)])
        case .rightSizing:
            // Opus serving calls of complexity 1–2: Haiku is trusted up to 4.
            let simple = (1...2).map { score in
                ComplexityGroup(complexity: score, group: group("simple", model: "claude-opus-4-6"))
            }
            return input([], complexity: cleanComplexity() + simple)
        case .unpricedModels:
            return input([group("local", model: "my-local-llama", provider: "openai", priced: false)])
        case .reasoningOverhead:
            return input([group("thinker", model: "gpt-5", provider: "openai") {
                $0.outputTokens = 100_000; $0.reasoningTokens = 80_000; $0.cappedOutputTokens = 100_000; $0.capTokens = 200_000
            }])
        case .promptSize:
            return input([group("bigctx") { $0.largePromptCalls = 30; $0.largePromptExcess = 30 * 20_000 }])
        case .waste:
            return input([group("sloppy") { $0.wasteWhitespace = 100_000; $0.wasteFiller = 50_000; $0.wasteRepeated = 20_000 }])
        case .historyBloat:
            return input([group("chatty") { $0.heatHistory = 800_000; $0.heatContext = 0; $0.heatSystem = 100_000 }])
        case .outputUtilization:
            return input([group("capped") {
                $0.capTokens = 100 * 8_000; $0.cappedOutputTokens = 100 * 200; $0.outputTokens = 20_000; $0.capLowUseCalls = 95
            }])
        case .retryLoops:
            return input([], patterns: [pattern(.retryLoop, source: "looper", calls: ["l1", "l2", "l3"], extra: dollar / 100)])
        case .duplicateRequests:
            return input([], patterns: [pattern(.duplicateRequest, source: "repeater", calls: ["d1", "d2", "d3", "d4", "d5"],
                                                extra: dollar)])
        case .errorRate:
            return input([group("clean", outcome: "upstream_error") { $0.calls = 10; $0.rateLimited = 6 }])
        case .streaming:
            return input([group("batchy", stream: false) { $0.calls = 20; $0.slowCalls = 10; $0.latencyMs = 20 * 25_000 },
                          group("batchy", stream: false, outcome: "client_cancelled") { $0.calls = 2 }])
        }
    }

    @Test func silentOnCleanData() {
        let found = RecommendationEngine().recommend(Self.input([]))
        #expect(found.isEmpty, "\(found.map(\.check))")
    }

    @Test func atLeastTwelveChecks() {
        #expect(Recommendation.Check.allCases.count >= 12)
        #expect(RecommendationEngine.checkNames.count == Recommendation.Check.allCases.count)
    }

    @Test(arguments: Recommendation.Check.allCases)
    func eachCheckFiresOnDataMadeForIt(_ check: Recommendation.Check) throws {
        let found = RecommendationEngine().recommend(Self.data(for: check))
        #expect(found.map(\.check) == [check], "\(found.map { ($0.check, $0.source ?? "") })")
        let finding = try #require(found.first)
        #expect(!finding.title.isEmpty && !finding.detail.isEmpty)
        #expect(!finding.figures.isEmpty)
        #expect(finding.monthlySavingPico >= 0)
    }

    /// Savings worked out by hand.
    @Test func savingsByHand() throws {
        func saving(_ check: Recommendation.Check) throws -> Int64 {
            try #require(RecommendationEngine().recommend(Self.data(for: check)).first).monthlySavingPico
        }
        // Cache writes 500k at $3.75/M, reads 10k at $0.30/M, instead of 510k at $3/M input:
        // 1.875 + 0.003 - 1.53 = $0.348 lost over 30 days.
        #expect(try saving(.cacheUtilization) == 348_000_000_000)
        // 160k system tokens × (0.9 × (3 - 0.3) - 0.1 × (3.75 - 3)) $/M = 160k × $2.355/M = $0.3768.
        #expect(try saving(.uncachedSystemPrompt) == 376_800_000_000)
        // Opus 4.6 → Haiku 4.5 on two groups of the clean tokens: input 200k, cache read 800k,
        // cache write 50k, output 50k. Opus: 1 + 0.4 + 0.3125 + 1.25 = $2.9625; Haiku: 0.2 + 0.08
        // + 0.0625 + 0.25 = $0.5925; twice the difference = $4.74.
        #expect(try saving(.rightSizing) == 4_740_000_000_000)
        // Half of gpt-5's 80k reasoning tokens at $10/M.
        #expect(try saving(.reasoningOverhead) == 400_000_000_000)
        #expect(try saving(.retryLoops) == Self.dollar / 100)
        #expect(try saving(.outputUtilization) == 0)
        #expect(try saving(.unpricedModels) == 0)
    }

    /// A window of 10 days scales to a month by 3.
    @Test func monthlyScaling() {
        let input = RecommendationInput(spanDays: 10, groups: [], prices: Self.prices)
        #expect(input.monthly(Self.dollar) == 3 * Self.dollar)
    }
}
