import Providers
import Testing
@testable import Insights

/// The heatmap of one support conversation in each provider's request format; the expected
/// section counts come from tiktoken (make-heatmap-fixtures.py).
@Suite struct HeatmapTests {
    static let fixtures = ["heatmap-openai-chat.json", "heatmap-openai-responses.json",
                           "heatmap-anthropic-messages.json", "heatmap-gemini-generate-content.json"]

    struct Fixture {
        var provider: Provider
        var endpoint: Endpoint
        var body: JSONValue
        var expected: JSONValue

        init(_ name: String) throws {
            let value = try JSONReader.parse(Array(InsightsFixtures.data(name)))
            provider = try #require(value["provider"]?.stringValue.flatMap(Provider.init(rawValue:)))
            endpoint = try #require(value["endpoint"]?.stringValue.flatMap(Endpoint.init(rawValue:)))
            body = try #require(value["body"])
            expected = try #require(value["expected"])
        }

        func expected(_ section: PromptSection, _ encoding: TokenEncoding) -> Int? {
            expected[encoding.rawValue]?[section.rawValue]?.intValue.map(Int.init)
        }
    }

    @Test(arguments: fixtures, TokenEncoding.allCases)
    func sectionsMatchTiktoken(_ name: String, _ encoding: TokenEncoding) throws {
        let fixture = try Fixture(name)
        let content = PromptExtractor.extract(provider: fixture.provider, endpoint: fixture.endpoint, body: fixture.body)
        let counter = InsightsFixtures.counter(encoding)
        let heatmap = TokenHeatmap(content: content, counter: counter)
        for section in PromptSection.allCases {
            #expect(heatmap[section] == fixture.expected(section, encoding), "\(section)")
        }
        #expect(heatmap.total == SegmentTokenCounts(content, counter: counter).total)
        #expect(heatmap.accuracy == .exact)
    }

    @Test func claudeAndGeminiAreMarkedEstimates() throws {
        let analyzer = PromptAnalyzer()
        for (name, model) in [("heatmap-anthropic-messages.json", "claude-sonnet-4-5"),
                              ("heatmap-gemini-generate-content.json", "gemini-2.5-flash")] {
            let fixture = try Fixture(name)
            let analysis = analyzer.analyze(provider: fixture.provider, endpoint: fixture.endpoint, body: fixture.body, model: model)
            #expect(analysis.heatmap.accuracy == .otherVocabulary)
            #expect(analysis.heatmap.isEstimate)
            #expect(analysis.heatmap.encoding == .o200kBase)
            #expect(analysis.heatmap.query == fixture.expected(.query, .o200kBase))
        }
    }

    @Test func sectionsAddUpToTheTotal() throws {
        let content = InsightsFixtures.prompt("bench-chat-30kb.json", provider: .openai, endpoint: .chatCompletions)
        let counter = InsightsFixtures.counter()
        let counts = SegmentTokenCounts(content, counter: counter)
        let heatmap = TokenHeatmap(content: content, counts: counts, counter: counter)
        #expect(heatmap.total == counts.total)
        #expect(heatmap.total == content.segments.reduce(0) { $0 + counter.count($1.text) })
        #expect(PromptSection.allCases.allSatisfy { heatmap[$0] > 0 })
        #expect(abs(PromptSection.allCases.reduce(0) { $0 + heatmap.share(of: $1) } - 1) < 1e-9)
    }

    @Test func classification() {
        let query = 4
        func section(_ role: PromptSegment.Role, _ kind: PromptSegment.Kind = .text, at index: Int) -> PromptSection {
            PromptSection.of(PromptSegment(role: role, kind: kind, text: "x", messageIndex: index), queryIndex: query)
        }
        #expect(section(.system, at: -1) == .system)
        #expect(section(.system, .toolDefinition, at: -1) == .tools)
        #expect(section(.tool, .toolResult, at: 5) == .context)
        #expect(section(.assistant, .toolCall, at: 5) == .history)
        #expect(section(.user, at: 2) == .history)
        #expect(section(.assistant, at: 3) == .history)
        #expect(section(.user, at: 4) == .query)
        // An assistant prefill after the question is history, not query.
        #expect(section(.assistant, at: 5) == .history)
    }

    @Test func injectedDocumentsAreContext() {
        let counter = InsightsFixtures.counter()
        let document = "<file path=\"notes.md\">\nDeploys happen on Tuesdays.\n</file>"
        let reminder = "<system-reminder>The todo list is empty.</system-reminder>"
        let question = "When do deploys happen?"
        let content = PromptContent(segments: [
            PromptSegment(role: .user, text: reminder, messageIndex: 0),
            PromptSegment(role: .user, text: document + "\n" + question, messageIndex: 0),
        ], messageCount: 1)
        let heatmap = TokenHeatmap(content: content, counter: counter)
        #expect(heatmap.context == counter.count(document) + counter.count(reminder))
        #expect(heatmap.query == counter.count(document + "\n" + question) - counter.count(document))
        #expect(heatmap.history == 0)
        // Unclosed or unknown tags are ordinary text.
        #expect(InjectedDocuments.ranges(in: "<document>never closed").isEmpty)
        #expect(InjectedDocuments.ranges(in: "<div>markup</div>").isEmpty)
    }

    @Test func embeddingsInputsAreAllQuery() throws {
        let body = try JSONReader.parse(Array(#"{"model":"text-embedding-3-small","input":["first text","second text"]}"#.utf8))
        let analysis = PromptAnalyzer().analyze(provider: .openai, endpoint: .embeddings, body: body, model: "text-embedding-3-small")
        #expect(analysis.heatmap.query == analysis.heatmap.total)
        #expect(analysis.heatmap.encoding == .cl100kBase)
        #expect(analysis.heatmap.accuracy == .exact)
    }

    @Test func emptyPrompt() {
        let heatmap = TokenHeatmap(content: PromptContent(), counter: InsightsFixtures.counter())
        #expect(heatmap.total == 0)
        #expect(heatmap.share(of: .query) == 0)
    }
}

extension HeatmapTests {
    @Test func largeInjectedDocument() {
        let body = String(repeating: "Line of a long retrieved document, with <b>markup</b> inside.\n", count: 8_000)
        let text = "<document>\n" + body + "</document>\nWhat does it say?"
        #expect(InjectedDocuments.ranges(in: text) == [0..<(text.utf8.count - "\nWhat does it say?".utf8.count)])
    }
}
