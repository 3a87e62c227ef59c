import Foundation
import Testing
@testable import Insights

/// The tokenizer against tiktoken's own output (Tests/Fixtures/insights/tokenizer-corpus.json).
@Suite struct TokenizerTests {
    static let cases = TokenizerCorpus.shared.cases

    @Test(arguments: cases)
    func o200kMatchesTiktoken(_ sample: TokenizerCorpus.Case) {
        let tokenizer = InsightsFixtures.tokenizer(.o200kBase)
        #expect(tokenizer.encode(sample.text) == sample.o200k_base)
        #expect(tokenizer.count(sample.text) == sample.o200k_base.count)
    }

    @Test(arguments: cases)
    func cl100kMatchesTiktoken(_ sample: TokenizerCorpus.Case) {
        let tokenizer = InsightsFixtures.tokenizer(.cl100kBase)
        #expect(tokenizer.encode(sample.text) == sample.cl100k_base)
        #expect(tokenizer.count(sample.text) == sample.cl100k_base.count)
    }

    @Test(arguments: TokenEncoding.allCases)
    func decodeRestoresTheText(_ encoding: TokenEncoding) {
        let tokenizer = InsightsFixtures.tokenizer(encoding)
        for sample in Self.cases {
            #expect(tokenizer.decode(sample.expected(encoding)) == sample.text, "\(sample.name)")
        }
    }

    @Test(arguments: TokenEncoding.allCases)
    func specialTokensWhenAllowed(_ encoding: TokenEncoding) throws {
        let tokenizer = InsightsFixtures.tokenizer(encoding)
        let sample = try #require(TokenizerCorpus.shared.special.first)
        #expect(tokenizer.encode(sample.text, allowedSpecial: Set(encoding.specialTokens.keys)) == sample.expected(encoding))
    }

    @Test func vocabularySizes() {
        #expect(InsightsFixtures.tokenizer(.o200kBase).vocabularySize == 199_998)
        #expect(InsightsFixtures.tokenizer(.cl100kBase).vocabularySize == 100_256)
    }
}
