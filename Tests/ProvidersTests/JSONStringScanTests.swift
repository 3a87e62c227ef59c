import Providers
import Testing

/// The reader's string scanning looks at eight bytes at a time: every special byte must be
/// found wherever it falls in a word, and the member lookup by name must agree with the
/// general one.
struct JSONStringScanTests {
    /// `count` plain letters with `inserted` at `position`.
    static func letters(_ count: Int, with inserted: String, at position: Int) -> String {
        let letters = (0..<count).map { String(UnicodeScalar(UInt8(ascii: "a") + UInt8($0 % 26))) }
        return letters[..<position].joined() + inserted + letters[position...].joined()
    }

    /// A JSON string literal of `count` plain letters with `special` (raw JSON text) at `position`.
    static func literal(count: Int, special: String, at position: Int) -> String {
        "\"" + letters(count, with: special, at: position) + "\""
    }

    @Test(arguments: [("\\\"", "\""), ("\\\\", "\\"), ("\\n", "\n"), ("\\u00e9", "é"), ("é", "é"), ("", "")])
    func escapesAndTextAreReadAtEveryOffset(_ special: String, _ decoded: String) throws {
        for count in 0..<20 {
            for position in 0...count {
                let text = Self.literal(count: count, special: special, at: position)
                let expected = Self.letters(count, with: decoded, at: position)
                #expect(try JSONReader.parse(Array(text.utf8)) == .string(expected), "\(text)")
                // Skipped (not decoded) inside an object, then the member after it is still found.
                let object = "{\"a\":\(text),\"b\":1}"
                let members = try Array(object.utf8).withUnsafeBytes { try JSONReader.topLevelMembers($0) }
                #expect(members.map(\.key) == ["a", "b"], "\(object)")
            }
        }
    }

    @Test func controlCharactersAndUnterminatedStringsAreRejectedAtEveryOffset() {
        for count in 0..<20 {
            for position in 0...count {
                let raw = Self.literal(count: count, special: "\u{01}", at: position)
                #expect(throws: JSONSyntaxError.self, "\(raw.debugDescription)") { try JSONReader.parse(Array(raw.utf8)) }
                let skipped = "{\"a\":\(raw)}"
                #expect(throws: JSONSyntaxError.self) {
                    try Array(skipped.utf8).withUnsafeBytes { try JSONReader.topLevelMembers($0) }
                }
            }
            let open = String(Self.literal(count: count, special: "", at: 0).dropLast())
            #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(Array(open.utf8)) }
            let trailingEscape = open + "\\"
            #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(Array(trailingEscape.utf8)) }
        }
    }

    /// Long member names providers repeat come from a table of literals: a known name, the
    /// same name escaped, a near miss of the same length and an unknown long name must all read
    /// as what they spell, and keep their values.
    @Test func longMemberNamesReadAsTheySpell() throws {
        let body = #"{"prompt_tokens_details":1,"prompt_tokens_detailz":2,"completion\u005ftokens_details":3,"#
            + #""a_member_name_nobody_uses_here":4,"cache_read_input_tokens":{"reasoning_tokens":5},"short":6}"#
        guard case .object(let object) = try JSONReader.parse(Array(body.utf8)) else {
            Issue.record("not an object")
            return
        }
        #expect(object.entries.map(\.key) == ["prompt_tokens_details", "prompt_tokens_detailz", "completion_tokens_details",
                                              "a_member_name_nobody_uses_here", "cache_read_input_tokens", "short"])
        #expect(object["prompt_tokens_detailz"] == .int(2))
        #expect(object["completion_tokens_details"] == .int(3))
        #expect(object["cache_read_input_tokens"]?["reasoning_tokens"] == .int(5))
    }

    @Test func membersByNameMatchRawAndEscapedNamesOnlyAtTheTop() throws {
        let body = #"{"id":"x","usage":{"model":"inner"},"mod\u0065l":"gpt-5","models":[1],"n":2}"#
        let found = try Array(body.utf8).withUnsafeBytes { bytes in
            let ranges = try JSONReader.topLevelMembers(bytes, named: ["model", "usage", "absent"])
            return (0..<3).map { index in
                ranges[index].map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
            }
        }
        #expect(found == [#""gpt-5""#, #"{"model":"inner"}"#, nil])
    }

    @Test(arguments: [#"{"usage":1"#, #"{"usage":1,}"#, #"{"usage" 1}"#, #"{"usage":1} x"#, #"[1]"#, ""])
    func membersByNameRejectWhatTheGeneralReaderRejects(_ body: String) {
        #expect(throws: JSONSyntaxError.self) {
            try Array(body.utf8).withUnsafeBytes { try JSONReader.topLevelMembers($0, named: ["usage"]) }
        }
        #expect(throws: JSONSyntaxError.self) {
            try Array(body.utf8).withUnsafeBytes { try JSONReader.topLevelMembers($0) }
        }
    }
}
