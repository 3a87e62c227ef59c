import Providers
import Testing

/// Usage read from real response shapes of every provider, normalised per the contract
/// (`input_tokens` excludes cached tokens; `output_tokens` includes reasoning). Streams are
/// fed whole, a byte at a time, and cut in two at every byte offset; all must agree.
struct UsageExtractionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var fixture: String
        var facts: RequestFacts
        var expected: Usage
        var testDescription: String { fixture }
    }

    static let cases: [Case] = [
        Case(fixture: "openai-chat.json", facts: .openAIChat(stream: false),
             expected: Usage(inputTokens: 307, outputTokens: 587, cacheReadTokens: 1536, reasoningTokens: 448,
                             serviceTier: "default", responseModel: "gpt-5-mini-2025-08-07")),
        Case(fixture: "openai-chat-stream-include-usage.sse", facts: .openAIChat(stream: true),
             expected: Usage(inputTokens: 294, outputTokens: 8, cacheReadTokens: 1920,
                             serviceTier: "default", responseModel: "gpt-4.1-mini-2025-04-14")),
        Case(fixture: "openai-responses.json", facts: .openAIResponses(stream: false),
             expected: Usage(inputTokens: 1079, outputTokens: 912, cacheReadTokens: 2048, reasoningTokens: 704,
                             serviceTier: "default", responseModel: "gpt-5-2025-08-07")),
        Case(fixture: "openai-responses-stream.sse", facts: .openAIResponses(stream: true),
             expected: Usage(inputTokens: 769, outputTokens: 371, cacheReadTokens: 1792, reasoningTokens: 256,
                             serviceTier: "default", responseModel: "gpt-5-2025-08-07")),
        Case(fixture: "openai-embeddings.json",
             facts: RequestFacts(provider: .openai, endpoint: .embeddings),
             expected: Usage(inputTokens: 17, responseModel: "text-embedding-3-small")),
        Case(fixture: "anthropic-messages.json", facts: .anthropic(stream: false),
             expected: Usage(inputTokens: 412, outputTokens: 297, cacheReadTokens: 18944, cacheWriteTokens: 5210,
                             cacheWrite1hTokens: 2138, serviceTier: "standard",
                             responseModel: "claude-sonnet-4-5-20250929")),
        Case(fixture: "anthropic-messages-stream.sse", facts: .anthropic(stream: true),
             expected: Usage(inputTokens: 329, outputTokens: 58, cacheReadTokens: 9216, cacheWriteTokens: 1584,
                             cacheWrite1hTokens: 560, serviceTier: "standard",
                             responseModel: "claude-sonnet-4-5-20250929")),
        Case(fixture: "anthropic-messages-thinking-stream.sse", facts: .anthropic(stream: true),
             expected: Usage(inputTokens: 86, outputTokens: 742, serviceTier: "standard", responseModel: "claude-opus-4-1-20250805")),
        Case(fixture: "gemini-generate-content.json", facts: .gemini(.none),
             expected: Usage(inputTokens: 4681, outputTokens: 1730, cacheReadTokens: 8192, reasoningTokens: 1309,
                             responseModel: "gemini-2.5-pro")),
        Case(fixture: "gemini-generate-content-long-context.json", facts: .gemini(.none),
             expected: Usage(inputTokens: 183_195, outputTokens: 3841, cacheReadTokens: 65536, reasoningTokens: 2817,
                             responseModel: "gemini-2.5-pro")),
        Case(fixture: "gemini-stream-generate-content.sse", facts: .gemini(.sse),
             expected: Usage(inputTokens: 219, outputTokens: 690, cacheReadTokens: 512, reasoningTokens: 602,
                             responseModel: "gemini-2.5-flash")),
        Case(fixture: "gemini-stream-generate-content.json", facts: .gemini(.jsonArray),
             expected: Usage(inputTokens: 219, outputTokens: 690, cacheReadTokens: 512, reasoningTokens: 602,
                             responseModel: "gemini-2.5-flash")),
    ]

    @Test(arguments: cases)
    func wholeBody(_ test: Case) {
        let usage = Fixtures.track([Fixtures.bytes(test.fixture)], facts: test.facts)
        #expect(usage == test.expected)
    }

    @Test(arguments: cases.filter { $0.facts.stream })
    func streamSplitAtEveryByte(_ test: Case) {
        let bytes = Fixtures.bytes(test.fixture)
        var mismatches = 0
        var first: Int?
        for (index, chunks) in Fixtures.splits(bytes).enumerated() {
            let usage = Fixtures.track(chunks, facts: test.facts)
            if usage != test.expected {
                mismatches += 1
                if first == nil { first = index }
            }
        }
        #expect(mismatches == 0, "first differing split: \(String(describing: first))")
    }

    @Test func nonStreamBodySplitAnywhereStillParses() {
        let bytes = Fixtures.bytes("anthropic-messages.json")
        for chunks in Fixtures.splits(bytes).prefix(400) {
            #expect(Fixtures.track(chunks, facts: .anthropic(stream: false))?.outputTokens == 297)
        }
    }

    @Test func openAIStreamWithoutIncludeUsageHasNoFinalUsage() {
        // Without the injected option there is no usage chunk: only the content deltas are counted,
        // as a lower bound for a stream that was cut short.
        var tracker = UsageTracker(facts: .openAIChat(stream: true))
        tracker.consume(Fixtures.bytes("openai-chat-stream.sse"))
        tracker.finish()
        #expect(!tracker.sawFinalUsage)
        #expect(tracker.usage()?.inputTokens == 0)
        #expect((tracker.usage()?.outputTokens ?? 0) > 0)
    }

    @Test func anthropicStreamCutAfterMessageStartKeepsInputTokens() {
        // A client that disconnects mid-stream still gets its prompt counted.
        let bytes = Fixtures.bytes("anthropic-messages-stream.sse")
        let text = String(decoding: bytes, as: UTF8.self)
        let cut = text.range(of: "event: content_block_delta")!.upperBound
        let prefix = Array(text[..<cut].utf8)
        let usage = Fixtures.track([prefix], facts: .anthropic(stream: true))
        #expect(usage?.inputTokens == 329)
        #expect(usage?.cacheReadTokens == 9216)
        #expect(usage?.cacheWrite1hTokens == 560)
    }

    @Test func errorBodyMessage() {
        #expect(UsageTracker.errorMessage(fromBody: Fixtures.bytes("anthropic-error-429.json"))?.isEmpty == false)
        #expect(UsageTracker.errorMessage(fromBody: Fixtures.bytes("openai-error-500.json"))?.isEmpty == false)
        #expect(UsageTracker.errorMessage(fromBody: Array("not json".utf8)) == nil)
    }
}
