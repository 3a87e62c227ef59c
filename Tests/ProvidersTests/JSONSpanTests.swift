@testable import Providers
import Testing

/// Usage is read in place (`JSONSpan`) on the proxy path and from parsed trees elsewhere: both
/// must read the same JSON the same way, whatever its spacing, escapes or repeated names.
struct JSONSpanTests {
    static let documents = [
        #"{"usage":{"prompt_tokens":12,"prompt_tokens_details":{"cached_tokens":4}},"model":"gpt-4o-2024-08-06"}"#,
        #"  { "usage" : { "prompt_tokens" : 12 , "n" : [ 1 , {"a":2} , "x" ] } , "model" : "m" }  "#,
        #"{"\u0075sage":{"prompt\u005ftokens":7},"model":"caf\u00e9 \"quoted\""}"#,
        #"{"usage":{"prompt_tokens":1},"usage":{"prompt_tokens":2,"prompt_tokens":3}}"#,
        #"{"usage":{"prompt_tokens":1.0e3,"completion_tokens":-5,"total_tokens":1.5,"big":9223372036854775808}}"#,
        #"{"usage":null,"model":7,"n":[],"o":{}}"#,
        #"{"usageMetadata":{"promptTokensDetails":[{"modality":"TEXT","tokenCount":9},{"modality":"AUDIO","tokenCount":4}]}}"#,
    ]
    static let paths: [[String]] = [
        ["usage"], ["model"], ["n"], ["o"], ["usage", "prompt_tokens"], ["usage", "completion_tokens"],
        ["usage", "total_tokens"], ["usage", "big"], ["usage", "n"], ["usage", "prompt_tokens_details", "cached_tokens"],
        ["usage", "missing"], ["model", "x"], ["usageMetadata", "promptTokensDetails"],
    ]

    /// What a lookup found, in terms both readers share.
    struct Reading: Equatable {
        var found: Bool, isObject: Bool, int: Int64?, string: String?, arrayCount: Int?
    }

    static func read<J: JSONLookup>(_ value: J?) -> Reading {
        Reading(found: value != nil, isObject: value?.isObject ?? false, int: value?.intValue,
                string: value?.stringValue, arrayCount: value?.arrayValue?.count)
    }

    static func lookUp<J: JSONLookup>(_ root: J, _ path: [String]) -> Reading {
        guard let first = path.first, let member = root[first] else { return read(J?.none) }
        return lookUp(member: member, Array(path.dropFirst()))
    }

    static func lookUp<J: JSONLookup>(member: J, _ path: [String]) -> Reading {
        guard let first = path.first else { return read(member) }
        guard let next = member[first] else { return read(J.Member?.none) }
        return lookUp(member: next, Array(path.dropFirst()))
    }

    @Test(arguments: documents)
    func spansReadWhatTheParsedTreeReads(_ document: String) throws {
        let bytes = Array(document.utf8)
        let tree = try JSONReader.parse(bytes)
        try bytes.withUnsafeBytes { buffer in
            let names: InlineArray<5, StaticString> = ["usage", "model", "n", "o", "usageMetadata"]
            let selected = try #require(JSONSelectedMembers(buffer, named: names))
            var start = 0
            while buffer[start] == 0x20 { start += 1 }
            var end = buffer.count
            while buffer[end - 1] == 0x20 { end -= 1 }
            let whole = JSONSpan(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
            for path in Self.paths {
                let expected = Self.lookUp(tree, path)
                #expect(Self.lookUp(selected, path) == expected, "\(path) in \(document)")
                #expect(Self.lookUp(whole, path) == expected, "\(path) in \(document)")
            }
            // Several members in one reading, at the top and one level down.
            let top: InlineArray<4, StaticString> = ["usage", "model", "n", "missing"]
            let (treeTop, spanTop) = (tree.members(top), whole.members(top))
            let inner: InlineArray<3, StaticString> = ["prompt_tokens", "completion_tokens", "prompt_tokens_details"]
            let (treeInner, spanInner) = (treeTop[0]?.members(inner), spanTop[0]?.members(inner))
            for index in top.indices {
                #expect(Self.read(spanTop[index]) == Self.read(treeTop[index]), "\(top[index]) in \(document)")
            }
            for index in inner.indices {
                #expect(Self.read(spanInner?[index] ?? nil) == Self.read(treeInner?[index] ?? nil),
                        "usage.\(inner[index]) in \(document)")
            }
        }
    }

    @Test func arrayElementsAreReadInPlace() throws {
        let bytes = Array(#"{"a":[ 1 ,"two", {"b":3} , [4] ]}"#.utf8)
        try bytes.withUnsafeBytes { buffer in
            let root = try #require(JSONSelectedMembers(buffer, named: ["a"]))
            let elements = try #require(root["a"]?.arrayValue)
            #expect(elements.count == 4)
            #expect(elements[0].intValue == 1)
            #expect(elements[1].stringValue == "two")
            #expect(elements[2]["b"]?.intValue == 3)
            #expect(elements[3].arrayValue?.first?.intValue == 4)
        }
    }

    @Test func notAnObjectIsNoSelection() {
        for text in ["[1]", "", "{\"a\":1", "{\"a\":1} x", "7"] {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { buffer in
                #expect(JSONSelectedMembers(buffer, named: ["a"]) == nil, "\(text)")
            }
        }
    }

    /// Audio counts live in arrays (Gemini) and in details objects (OpenAI): read in place too.
    @Test func audioTokensAreReadFromInPlaceUsage() {
        let gemini = #"{"usageMetadata":{"promptTokenCount":30,"cachedContentTokenCount":10,"candidatesTokenCount":8,"#
            + #""promptTokensDetails":[{"modality":"TEXT","tokenCount":20},{"modality":"AUDIO","tokenCount":10}],"#
            + #""cacheTokensDetails":[{"modality":"AUDIO","tokenCount":4}],"#
            + #""candidatesTokensDetails":[{"modality":"AUDIO","tokenCount":8}]},"modelVersion":"gemini-2.5-flash"}"#
        #expect(Fixtures.track([Array(gemini.utf8)], facts: .gemini(.none))
            == Usage(inputTokens: 20, outputTokens: 8, cacheReadTokens: 10, inputAudioTokens: 6, outputAudioTokens: 8,
                     responseModel: "gemini-2.5-flash"))
        let openAI = #"{"model":"gpt-4o-audio-preview","usage":{"prompt_tokens":50,"completion_tokens":40,"#
            + #""prompt_tokens_details":{"cached_tokens":0,"audio_tokens":30},"#
            + #""completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":25}}}"#
        #expect(Fixtures.track([Array(openAI.utf8)], facts: .openAIChat(stream: false))
            == Usage(inputTokens: 50, outputTokens: 40, inputAudioTokens: 30, outputAudioTokens: 25,
                     responseModel: "gpt-4o-audio-preview"))
    }
}
