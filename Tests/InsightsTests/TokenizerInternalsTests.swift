import Foundation
import Providers
import Testing
@testable import Insights

/// The tokenizer's parts: the two merge strategies agree, the vocabulary file is parsed
/// strictly, missing vocabularies fall back to an estimate, and models pick their encoding.
@Suite struct TokenizerInternalsTests {
    /// Pieces for the merge: repetitive (ties everywhere), random bytes and real words.
    static func pieces() -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        var pieces: [[UInt8]] = [Array("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8),
                                 Array(String(repeating: "ab", count: 300).utf8),
                                 Array(" internationalization".utf8), Array("日本語のテキストを分割します".utf8),
                                 Array(String(repeating: "=-", count: 90).utf8)]
        for length in [2, 3, 7, 31, 129, 400, 2_000] {
            for _ in 0..<5 {
                let alphabet = Array("etaoinshrdlu ETAO.,'0123456789éあ🙂".utf8)
                pieces.append((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
                pieces.append((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            }
        }
        return pieces
    }

    @Test(arguments: TokenEncoding.allCases)
    func heapMergeMakesTheScansChoices(_ encoding: TokenEncoding) {
        let table = InsightsFixtures.tokenizer(encoding).table
        for piece in Self.pieces() {
            piece.withUnsafeBufferPointer { bytes in
                let base = bytes.baseAddress.unsafelyUnwrapped
                let scan = BytePairMerger.mergeByScan(base, bytes.count, table: table) { Array($0) + Array($1.map(Int32.init(bitPattern:))) }
                let heap = BytePairMerger.mergeWithHeap(base, bytes.count, table: table) { Array($0) + Array($1.map(Int32.init(bitPattern:))) }
                #expect(scan == heap, "\(bytes.count) bytes")
            }
        }
    }

    @Test func longPiecesMatchTiktoken() {
        // 3 000 "a" is one piece, merged on the heap path: tiktoken gives 375 tokens of 8 a's.
        let tokenizer = InsightsFixtures.tokenizer(.o200kBase)
        let sample = TokenizerCorpus.shared.cases.first { $0.name == "repeated-char-long" }
        #expect(tokenizer.encode(String(repeating: "a", count: 3_000)) == sample?.o200k_base)
    }

    @Test func specialTokenTextIsOrdinaryByDefault() {
        let tokenizer = InsightsFixtures.tokenizer(.o200kBase)
        #expect(!tokenizer.encode("<|endoftext|>").contains(199_999))
        #expect(tokenizer.encode("<|endoftext|>", allowedSpecial: ["<|endoftext|>"]) == [199_999])
        #expect(tokenizer.decode([199_999]) == "")
    }

    @Test func countEqualsEncodeAcrossThePieceCacheThreshold() {
        let tokenizer = InsightsFixtures.tokenizer(.cl100kBase)
        let paragraph = "Tokenization of identifiers like getHTTPResponseCode and snake_case_names repeats. "
        for repeats in [1, 10, 40, 200] {
            let text = String(repeating: paragraph, count: repeats)
            #expect(tokenizer.count(text) == tokenizer.encode(text).count)
            #expect(tokenizer.decode(tokenizer.encode(text)) == text)
        }
    }

    // MARK: - Vocabulary files

    @Test func malformedVocabulariesAreRejected() {
        let cases: [(String, String)] = [
            ("IQ== 0\nnot-base64! 1\n", "line 2"),
            ("IQ== zero\n", "line 1"),
            ("IQ==\n", "line 1"),
            ("", "no tokens"),
        ]
        for (text, reason) in cases {
            #expect {
                _ = try BPETokenizer(encoding: .o200kBase, vocabulary: Array(text.utf8))
            } throws: { error in
                guard case .malformed(_, let message) = error as? BPETokenizer.LoadError else { return false }
                return message.contains(reason)
            }
        }
    }

    @Test func smallVocabularyMergesByRank() throws {
        // Bytes a, b, c, then "ab" (rank 3) before "bc" (rank 4), then "abc".
        let file = ["YQ== 0", "Yg== 1", "Yw== 2", "YWI= 3", "YmM= 4", "YWJj 5"].joined(separator: "\n")
        let tokenizer = try BPETokenizer(encoding: .o200kBase, vocabulary: Array(file.utf8))
        #expect(tokenizer.encode("abc") == [5])
        // "ab" merges first, then "abc"; the trailing "b" has nothing to pair with.
        #expect(tokenizer.encode("abcb") == [5, 1])
        // "ab" (rank 3) merges before "bc" (rank 4) although "bc" comes first.
        #expect(tokenizer.encode("bcab") == [4, 3])
        #expect(tokenizer.encode("bca") == [4, 0])
        #expect(tokenizer.vocabularySize == 6)
    }

    /// From disk the file is read in 64 KiB pieces, twice: lines cut by a piece's end, CR LF
    /// endings and blank lines read as they do from memory, and a bad line is named by number.
    @Test func vocabularyFilesReadInPiecesMatchTheSameBytesInMemory() throws {
        // Padding the first token's line pushes the others across the 65 536-byte boundaries.
        var lines = ["YQ== 0", "Yg== 1", "Yw== 2", "YWI= 3", "", "YmM= 4", "YWJj 5"]
        lines += (6..<9_000).map { "\(Data("tok\($0)".utf8).base64EncodedString()) \($0)" }
        let text = lines.joined(separator: "\r\n") + "\r\n"
        let path = NSTemporaryDirectory() + "tokenlens-vocab-\(UUID().uuidString).tiktoken"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect(text.utf8.count > 2 * 65_536)
        let fromFile = try BPETokenizer(encoding: .o200kBase, contentsOf: URL(fileURLWithPath: path))
        let fromMemory = try BPETokenizer(encoding: .o200kBase, vocabulary: Array(text.utf8))
        #expect(fromFile.vocabularySize == 9_000)
        for sample in ["abcb", "bcab", "tok8998", "tok4321 tok17"] {
            #expect(fromFile.encode(sample) == fromMemory.encode(sample))
        }
        #expect(fromFile.encode("abc") == [5])

        try Data((text + "bad line\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try BPETokenizer(encoding: .o200kBase, contentsOf: URL(fileURLWithPath: path))
        } throws: { error in
            guard case .malformed(_, let message) = error as? BPETokenizer.LoadError else { return false }
            return message.contains("line 9002")
        }
    }

    @Test func missingVocabulariesFallBackToAnEstimate() {
        let store = VocabularyStore(directory: URL(fileURLWithPath: "/nonexistent/tokenizers"))
        #expect(store.tokenizer(for: .o200kBase) == nil)
        #expect(store.loadError(for: .o200kBase) == .unreadable(path: "/nonexistent/tokenizers/o200k_base.tiktoken"))
        let counter = TokenCounter(model: "gpt-4o", store: store)
        #expect(counter.accuracy == .heuristic)
        #expect(counter.isEstimate)
        let text = "The quick brown fox jumps over the lazy dog, twice."
        let exact = InsightsFixtures.tokenizer(.o200kBase).count(text)
        #expect(abs(counter.count(text) - exact) <= exact / 4)
        // The heatmap and waste still run, marked as estimates.
        let analysis = PromptAnalyzer(store: store).analyze(
            PromptContent(segments: [PromptSegment(role: .user, text: text, messageIndex: 0)], messageCount: 1), model: "gpt-4o")
        #expect(analysis.heatmap.query > 0)
        #expect(analysis.accuracy == .heuristic)
    }

    @Test func bundledVocabulariesLoadOnce() {
        let first = VocabularyStore.bundled.tokenizer(for: .o200kBase)
        let second = VocabularyStore.bundled.tokenizer(for: .o200kBase)
        #expect(first != nil)
        #expect(first?.table === second?.table)
    }

    // MARK: - Models

    @Test(arguments: [
        ("gpt-4o", TokenEncoding.o200kBase, true), ("gpt-4o-mini-2024-07-18", .o200kBase, true),
        ("gpt-4.1-nano", .o200kBase, true), ("gpt-5", .o200kBase, true), ("gpt-5-mini", .o200kBase, true),
        ("o1", .o200kBase, true), ("o3-mini", .o200kBase, true), ("o4-mini-2025-04-16", .o200kBase, true),
        ("chatgpt-4o-latest", .o200kBase, true), ("ft:gpt-4o-mini:acme::abc123", .o200kBase, true),
        ("openai/gpt-4.1", .o200kBase, true),
        ("gpt-4", .cl100kBase, true), ("gpt-4-turbo", .cl100kBase, true), ("gpt-3.5-turbo-0125", .cl100kBase, true),
        ("text-embedding-3-small", .cl100kBase, true),
        ("claude-sonnet-4-5-20250929", .o200kBase, false), ("gemini-2.5-pro", .o200kBase, false),
        ("omni-unknown", .o200kBase, false), ("o10-future", .o200kBase, false), ("", .o200kBase, false),
        // Ids in other cases name the same models.
        ("GPT-4o", .o200kBase, true), ("O3-Mini", .o200kBase, true), ("OpenAI/GPT-4.1", .o200kBase, true),
        ("FT:GPT-3.5-turbo:acme::x", .cl100kBase, true), ("Claude-Sonnet-4-5", .o200kBase, false), ("O1", .o200kBase, true),
        ("o", .o200kBase, false), ("ft:", .o200kBase, false), ("/", .o200kBase, false),
    ])
    func encodingForModel(_ model: String, _ encoding: TokenEncoding, _ isModelsOwn: Bool) {
        #expect(EncodingSelection.forModel(model) == EncodingSelection(encoding: encoding, isModelsOwn: isModelsOwn))
    }

    // MARK: - Count cache

    @Test func cacheGivesTheSameCountsAndStaysBounded() {
        let cache = TokenCountCache(byteBudget: 4_000)
        let counter = TokenCounter(tokenizer: InsightsFixtures.tokenizer(.o200kBase), cache: cache)
        let plain = InsightsFixtures.counter()
        let texts = (0..<12).map { "Document \($0): " + String(repeating: "cached text with number \($0) ", count: 12) }
        for text in texts + texts {
            #expect(counter.count(text) == plain.count(text))
        }
        // Each text is ~350 bytes: a 4 000-byte generation holds about 11, two generations at most 23.
        #expect(cache.entryCount > 0)
        #expect(cache.entryCount <= 23)
        #expect(counter.count("short") == plain.count("short"))
    }

    @Test func analyzerIsSafeToShare() async {
        let analyzer = PromptAnalyzer()
        let content = InsightsFixtures.prompt("bench-chat-30kb.json", provider: .openai, endpoint: .chatCompletions)
        let expected = analyzer.analyze(content, model: "gpt-4o")
        let results = await withTaskGroup(of: PromptAnalysis.self) { group in
            for _ in 0..<8 { group.addTask { analyzer.analyze(content, model: "gpt-4o") } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}

extension TokenizerInternalsTests {
    /// The recovery after a PCRE2 failure takes one run of a class, ending on a character boundary.
    @Test func stuckRunsEndOnACharacterBoundary() {
        let bytes = Array("éééé   x".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            #expect(PreTokenizer.run(from: 0, in: buffer) == 8)
            #expect(PreTokenizer.run(from: 8, in: buffer) == 11)
        }
    }

    @Test(arguments: TokenEncoding.allCases)
    func piecesTileTheText(_ encoding: TokenEncoding) {
        let tokenizer = InsightsFixtures.tokenizer(encoding)
        for sample in TokenizerCorpus.shared.cases {
            Array(sample.text.utf8).withUnsafeBufferPointer { bytes in
                var position = 0
                tokenizer.preTokenizer.forEachPiece(in: bytes) { lower, upper in
                    #expect(lower == position && upper > lower, "\(sample.name)")
                    position = upper
                }
                #expect(position == bytes.count, "\(sample.name)")
            }
        }
    }
}
