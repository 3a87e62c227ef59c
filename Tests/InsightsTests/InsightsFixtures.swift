import Foundation
import Insights
import Providers
import Testing

/// Test data in Tests/Fixtures/insights (see SOURCES.md there) and the shipped tokenizers.
enum InsightsFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/insights")

    static func data(_ name: String) -> Data {
        let url = directory.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else { fatalError("missing fixture \(url.path)") }
        return data
    }

    static func tokenizer(_ encoding: TokenEncoding) -> BPETokenizer {
        guard let tokenizer = VocabularyStore.bundled.tokenizer(for: encoding) else {
            fatalError("the bundled \(encoding.rawValue) vocabulary did not load: \(String(describing: VocabularyStore.bundled.loadError(for: encoding)))")
        }
        return tokenizer
    }

    static func counter(_ encoding: TokenEncoding = .o200kBase) -> TokenCounter {
        TokenCounter(tokenizer: tokenizer(encoding))
    }

    /// A request body from the fixtures, parsed and run through the prompt extractor.
    static func prompt(_ name: String, provider: Provider, endpoint: Endpoint) -> PromptContent {
        guard let body = try? JSONReader.parse(Array(data(name))) else { fatalError("fixture \(name) is not JSON") }
        return PromptExtractor.extract(provider: provider, endpoint: endpoint, body: body)
    }
}

/// The tiktoken reference corpus written by make-tokenizer-corpus.py.
struct TokenizerCorpus: Decodable {
    struct Case: Decodable, CustomTestStringConvertible {
        var name: String
        var text: String
        var o200k_base: [Int]
        var cl100k_base: [Int]

        func expected(_ encoding: TokenEncoding) -> [Int] {
            encoding == .o200kBase ? o200k_base : cl100k_base
        }

        var testDescription: String { name }
    }

    var tiktoken: String
    var cases: [Case]
    var special: [Case]

    static let shared: TokenizerCorpus = {
        do {
            return try JSONDecoder().decode(TokenizerCorpus.self, from: InsightsFixtures.data("tokenizer-corpus.json"))
        } catch {
            fatalError("tokenizer-corpus.json: \(error)")
        }
    }()
}
