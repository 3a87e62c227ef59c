@testable import Providers
import Testing

/// `ByteSearch` finds words with libc's memmem: every match position, near misses
/// that share the first byte, a start offset and needles longer than what is left must all
/// give what a plain scan gives.
struct ByteSearchTests {
    static func plainScan(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, from >= 0, needle.count <= haystack.count - from else { return nil }
        return (from...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test func findsTheWordWhereverItIsAndAgreesWithAPlainScan() {
        let needle: StaticString = "class "
        let word = Array("class ".utf8)
        for length in 0..<24 {
            for position in 0...length {
                // "clas" and "c" before the word: candidates whose first byte matches but the rest does not.
                var haystack = Array(String(repeating: "x", count: length).utf8)
                haystack.insert(contentsOf: Array("c clas ".utf8), at: 0)
                haystack.insert(contentsOf: word, at: position + 7)
                for from in [0, 1, 2, position + 7, position + 8, haystack.count, haystack.count + 3] {
                    #expect(ByteSearch.firstIndex(of: needle, in: haystack, from: from)
                            == Self.plainScan(word, in: haystack, from: from), "\(length) \(position) \(from)")
                }
                #expect(ByteSearch.contains(haystack, needle))
            }
        }
    }

    @Test func missesWhatIsNotThere() {
        #expect(!ByteSearch.contains([], "def "))
        #expect(!ByteSearch.contains(Array("de".utf8), "def "))
        #expect(!ByteSearch.contains(Array("dexdef".utf8), "def "))
        #expect(ByteSearch.contains(Array("dexdef ".utf8), "def "))
        #expect(ByteSearch.contains(Array("a};".utf8), "};"))
        #expect(ByteSearch.firstIndex(of: "ab", in: Array("abab".utf8), from: -1) == nil)
    }

    @Test func findsObjectMembersPastEarlierMentions() {
        let json = Array(#"{"text":"\"usage\" is a word","usage" : {"total_tokens":3}}"#.utf8)
        #expect(ByteSearch.hasObjectMember("\"usage\"", in: json))
        #expect(!ByteSearch.hasObjectMember("\"usage\"", in: Array(#"{"usage":null}"#.utf8)))
    }
}
