import Foundation
import Providers
import Testing

/// Price lookups and cost arithmetic, checked against figures computed by hand from the
/// shipped table (prices in USD per token; 1 USD = 10¹² picodollars).
struct PricingTests {
    let table = PriceTable.shipped

    @Test(arguments: [
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929"),
        ("claude-sonnet-4-5-20991231", "claude-sonnet-4-5"),
        ("gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
        ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),
        ("gpt-4o-2099-01-01", "gpt-4o"),
        ("gpt-4o-mini-2099-01-01", "gpt-4o-mini"),
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini-2025-04-14"),
        ("models/gemini-2.5-pro", "gemini-2.5-pro"),
        ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "ft:gpt-4o-mini-2024-07-18"),
        ("gpt-3.5-turbo-0125", "gpt-3.5-turbo-0125"),
        ("GPT-4o", "gpt-4o"),
    ])
    func datedIdsMatchTheirEntry(model: String, entry: String) {
        #expect(table.price(for: model)?.id == entry)
    }

    @Test(arguments: [
        "claude-opus-4-1-20250805",   // only shares a stem with claude-opus-4-5 and friends
        "gpt-4o-minimal",             // shares a stem with gpt-4o, but is no dated gpt-4o
        "gemini-2.5-pro-exp-03-25",   // an experiment, not a version suffix
        "my-local-llama",
        "gpt-5-",
    ])
    func unknownModelsStayUnpriced(model: String) {
        #expect(table.price(for: model) == nil)
    }

    @Test func freeModelIsPricedAtZeroNotUnpriced() {
        let price = table.price(for: "gemma-3-27b-it")
        #expect(price?.isPriced == true)
        #expect(CostCalculator.cost(of: Usage(inputTokens: 1000, outputTokens: 1000), at: price!) == 0)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var model: String
        var usage: Usage
        var picodollars: Int64
        var testDescription: String { model }
    }

    static let cases: [Case] = [
        // openai-chat.json: 307×0.25 + 1536×0.025 + 587×2 µ$ (reasoning billed as output)
        Case(model: "gpt-5-mini-2025-08-07",
             usage: Usage(inputTokens: 307, outputTokens: 587, cacheReadTokens: 1536, reasoningTokens: 448),
             picodollars: 1_289_150_000),
        // openai-chat-stream-include-usage.sse: 294×0.4 + 1920×0.1 + 8×1.6 µ$
        Case(model: "gpt-4.1-mini-2025-04-14",
             usage: Usage(inputTokens: 294, outputTokens: 8, cacheReadTokens: 1920), picodollars: 322_400_000),
        // openai-responses.json: 1079×1.25 + 2048×0.125 + 912×10 µ$
        Case(model: "gpt-5-2025-08-07",
             usage: Usage(inputTokens: 1079, outputTokens: 912, cacheReadTokens: 2048, reasoningTokens: 704),
             picodollars: 10_724_750_000),
        // openai-embeddings.json: 17×0.02 µ$
        Case(model: "text-embedding-3-small", usage: Usage(inputTokens: 17), picodollars: 340_000),
        // anthropic-messages.json: 412×3 + 18944×0.3 + 3072×3.75 + 2138×6 + 297×15 µ$
        Case(model: "claude-sonnet-4-5-20250929",
             usage: Usage(inputTokens: 412, outputTokens: 297, cacheReadTokens: 18944, cacheWriteTokens: 5210,
                          cacheWrite1hTokens: 2138),
             picodollars: 35_722_200_000),
        // anthropic-messages-stream.sse: 329×3 + 9216×0.3 + 1024×3.75 + 560×6 + 58×15 µ$
        Case(model: "claude-sonnet-4-5-20250929",
             usage: Usage(inputTokens: 329, outputTokens: 58, cacheReadTokens: 9216, cacheWriteTokens: 1584,
                          cacheWrite1hTokens: 560),
             picodollars: 11_821_800_000),
        // gemini-generate-content.json: 4681×1.25 + 8192×0.125 + 1730×10 µ$ (prompt 12873 ≤ 200k)
        Case(model: "gemini-2.5-pro",
             usage: Usage(inputTokens: 4681, outputTokens: 1730, cacheReadTokens: 8192, reasoningTokens: 1309),
             picodollars: 24_175_250_000),
        // gemini-generate-content-long-context.json: prompt 248731 > 200k, so the long-context
        // rates apply to every token: 183195×2.5 + 65536×0.25 + 3841×15 µ$
        Case(model: "gemini-2.5-pro",
             usage: Usage(inputTokens: 183_195, outputTokens: 3841, cacheReadTokens: 65536, reasoningTokens: 2817),
             picodollars: 531_986_500_000),
        // gemini-stream-generate-content: 219×0.3 + 512×0.03 + 88×2.5 + 602×2.5 (reasoning rate) µ$
        Case(model: "gemini-2.5-flash",
             usage: Usage(inputTokens: 219, outputTokens: 690, cacheReadTokens: 512, reasoningTokens: 602),
             picodollars: 1_806_060_000),
    ]

    @Test(arguments: cases)
    func costMatchesHandComputedFigure(_ test: Case) throws {
        let price = try #require(table.price(for: test.model))
        let breakdown = try #require(CostCalculator.breakdown(of: test.usage, at: price))
        #expect(breakdown.total == test.picodollars)
        #expect(breakdown.input + breakdown.output + breakdown.reasoning + breakdown.cacheRead + breakdown.cacheWrite
                == test.picodollars)
    }

    @Test func longContextTierStartsAboveTheThreshold() throws {
        let price = try #require(table.price(for: "gemini-2.5-pro"))
        // Exactly 200,000 prompt tokens is still the base tier; one more is the long-context tier.
        let atThreshold = CostCalculator.cost(of: Usage(inputTokens: 200_000), at: price)
        let above = CostCalculator.cost(of: Usage(inputTokens: 200_001), at: price)
        #expect(atThreshold == Int64(200_000 * 1_250_000))
        #expect(above == Int64(200_001 * 2_500_000))
        // Cached tokens count towards the prompt size.
        let cached = CostCalculator.cost(of: Usage(inputTokens: 100_000, cacheReadTokens: 100_001), at: price)
        #expect(cached == Int64(100_000 * 2_500_000 + 100_001 * 250_000))
    }

    @Test func priorityServiceTierUsesItsRates() throws {
        let price = try #require(table.price(for: "gemini-2.5-pro"))
        let usage = Usage(inputTokens: 1000, outputTokens: 100, serviceTier: "priority")
        #expect(CostCalculator.cost(of: usage, at: price) == Int64(1000 * 2_250_000 + 100 * 18_000_000))
    }

    @Test func cacheSavingsAreWhatCachingSaved() throws {
        let price = try #require(table.price(for: "claude-sonnet-4-5"))
        let usage = Usage(inputTokens: 100, cacheReadTokens: 1000, cacheWriteTokens: 200)
        let breakdown = try #require(CostCalculator.breakdown(of: usage, at: price))
        // Reads saved 1000×(3 − 0.3) µ$; 5-minute writes cost 200×0.75 µ$ more than plain input.
        #expect(breakdown.cacheSavings == 1000 * 2_700_000 - 200 * 750_000)
    }

    /// A changed table (an override, an import) answers from its new entries, dated ids
    /// included, and a copy taken before the change keeps its own answers.
    @Test func lookupsFollowTableChanges() {
        var table = PriceTable.shipped
        #expect(table.price(for: "acme-2-20300101") == nil)
        let before = table
        table.set(ModelPrice(id: "acme-2", provider: "openai", standard: .init(base: Rates(input: 1, output: 2))))
        #expect(table.price(for: "acme-2-20300101")?.id == "acme-2")
        #expect(before.price(for: "acme-2-20300101") == nil)
        var merged = before
        merged.merge(PriceTable(entries: ["acme-2": ModelPrice(id: "acme-2", provider: "openai",
                                                               standard: .init(base: Rates(input: 3, output: 4)))]))
        #expect(merged.price(for: "acme-2-20300101")?.standard.base.input == 3)
    }

    @Test func missingAnthropicCacheRatesFallBackToPublishedMultipliers() {
        let price = ModelPrice(id: "claude-x", provider: "anthropic",
                               standard: .init(base: Rates(input: 1_000_000, output: 5_000_000)))
        let usage = Usage(cacheWriteTokens: 300, cacheWrite1hTokens: 100)
        #expect(CostCalculator.cost(of: usage, at: price) == Int64(200 * 1_250_000 + 100 * 2_000_000))
    }

    @Test func importedTableInReferenceFormat() throws {
        let json = #"""
        {"acme-1": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06,
                    "output_cost_per_token": 2e-06, "input_cost_per_token_above_128k_tokens": 3e-06,
                    "cache_read_input_token_cost_priority": 4e-07},
         "image-only": {"litellm_provider": "openai", "mode": "image_generation", "input_cost_per_image": 0.01}}
        """#
        let table = try PriceTable(referenceJSON: Data(json.utf8))
        let acme = try #require(table.price(for: "acme-1-20300101"))
        #expect(acme.standard.base == Rates(input: 1_000_000, output: 2_000_000))
        #expect(acme.standard.tiers == [ModelPrice.Tier(threshold: 128_000, rates: Rates(input: 3_000_000))])
        #expect(acme.serviceTiers["priority"]?.base == Rates(cacheRead: 400_000))
        #expect(table.price(for: "image-only")?.isPriced == false)
        #expect(throws: PriceTable.LoadError.self) { try PriceTable(referenceJSON: Data("[1,2]".utf8)) }
    }

    @Test func shippedTableCoversTheThreeProviders() {
        let providers = Set(table.entries.values.map(\.provider))
        #expect(providers == ["openai", "anthropic", "gemini"])
        #expect(table.count > 200)
    }
}
