import Testing
@testable import Insights

/// The one-pass word finder must find exactly what a search for each word would.
@Suite struct SignalWordsTests {
    static let groups: [[StaticString]] = [["```", "func ", "{\n", "};"], ["plan", "planet", "step by step", "tradeoff"], ["csv", "xml"]]
    let finder = SignalWords(groups)

    /// What a separate search for each word says.
    func expected(_ text: [UInt8]) -> SignalWords.Found {
        var found = SignalWords.Found()
        for (group, words) in Self.groups.enumerated() {
            let hit = words.contains { word in
                let bytes = word.withUTF8Buffer { Array($0) }
                return text.count >= bytes.count
                    && (0...(text.count - bytes.count)).contains { Array(text[$0..<($0 + bytes.count)]) == bytes }
            }
            if hit { found.bits |= 1 << group }
        }
        return found
    }

    @Test func findsWordsAtEitherEndAndNotTheirPrefixes() {
        #expect(finder.find(in: Array("plan".utf8)) == expected(Array("plan".utf8)))
        #expect(finder.find(in: Array("a csv".utf8)).bits == 0b100)
        #expect(finder.find(in: Array("cs".utf8)).bits == 0)
        #expect(finder.find(in: Array("step by ste".utf8)).bits == 0)
        #expect(finder.find(in: Array("x};".utf8)).bits == 0b001)
        #expect(finder.find(in: []).bits == 0)
    }

    @Test func agreesWithASearchForEachWordOnGeneratedTexts() {
        // Fragments of the words and their neighbours, so near misses and overlaps are common.
        let pieces = ["pla", "n", "planet", "step ", "by ", "step", "trade", "off", "cs", "v", "xm", "l",
                      "`", "``", "func", " ", "{", "\n", "}", ";", "é", "x"].map { Array($0.utf8) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            var text: [UInt8] = []
            for _ in 0..<Int(state % 12) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            #expect(finder.find(in: text) == expected(text), "\(String(decoding: text, as: UTF8.self).debugDescription)")
        }
    }
}
