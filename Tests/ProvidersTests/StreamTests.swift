import Providers
import Testing

struct SSEParserTests {
    func events(_ chunks: [[UInt8]]) -> [(String, String)] {
        var parser = SSEParser()
        var result: [(String, String)] = []
        for chunk in chunks {
            chunk.withUnsafeBytes { bytes in
                parser.feed(bytes) { event in result.append((event.nameString, String(decoding: event.data, as: UTF8.self))) }
            }
        }
        parser.finish { event in result.append((event.nameString, String(decoding: event.data, as: UTF8.self))) }
        return result
    }

    @Test func lineEndingsAndMultilineData() {
        let text = "event: a\r\ndata: 1\r\ndata: 2\r\n\r\n: comment\ndata:3\n\nevent: b\rdata: x\r\r"
        let expected = [("a", "1\n2"), ("", "3"), ("b", "x")]
        for chunks in Fixtures.splits(Array(text.utf8)) {
            let parsed = events(chunks)
            #expect(parsed.map(\.0) == expected.map(\.0))
            #expect(parsed.map(\.1) == expected.map(\.1))
        }
    }

    /// Lines longer than the parser's eight-byte steps, each ending in LF, CR or CRLF at every
    /// position within a step, split at every byte.
    @Test func longLinesEndWhereverTheirEndingFalls() {
        var text = ""
        var expected: [(String, String)] = []
        for (length, ending) in zip(9...24, ["\n", "\r", "\r\n", "\n", "\r\n", "\r", "\n", "\r", "\r\n", "\n", "\r", "\r\n", "\n", "\r\n", "\r", "\n"]) {
            let data = String(repeating: "x", count: length) + "é\(length)"
            text += "event: e\(length)" + ending + "data: " + data + ending + ending
            expected.append(("e\(length)", data))
        }
        for chunks in Fixtures.splits(Array(text.utf8)) {
            let parsed = events(chunks)
            #expect(parsed.map(\.0) == expected.map(\.0))
            #expect(parsed.map(\.1) == expected.map(\.1))
        }
    }

    @Test func unterminatedFinalEventIsDelivered() {
        #expect(events([Array("data: last".utf8)]).map(\.1) == ["last"])
    }
}

struct OpenAIUsageChunkFilterTests {
    /// With the injected option removed again, the client sees exactly the stream it would have
    /// received without it, wherever the TCP chunks were cut.
    @Test func filteredIncludeUsageStreamEqualsPlainStream() {
        let injected = Fixtures.bytes("openai-chat-stream-include-usage.sse")
        let plain = Fixtures.bytes("openai-chat-stream.sse")
        var failures = 0
        for chunks in Fixtures.splits(injected) {
            var filter = OpenAIUsageChunkFilter()
            var output: [UInt8] = []
            for chunk in chunks { output += chunk.withUnsafeBytes { filter.filter($0) } }
            output += filter.finish()
            if output != plain { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func eventsWithoutUsagePassUntouched() {
        var filter = OpenAIUsageChunkFilter()
        let event = Array("data: {\"choices\":[{\"delta\":{\"content\":\"usage\"}}]}\n\n".utf8)
        #expect(event.withUnsafeBytes { filter.filter($0) } == event)
    }
}

struct StreamUsageInjectionTests {
    @Test func addsStreamOptionsWhenAbsent() throws {
        let body = Array(#"{"model":"gpt-4o","stream":true,"messages":[]}"#.utf8)
        let rewritten = StreamUsageInjection.injectIncludeUsage(into: body)
        #expect(String(decoding: rewritten, as: UTF8.self)
                == #"{"model":"gpt-4o","stream":true,"messages":[],"stream_options":{"include_usage":true}}"#)
    }

    @Test func keepsOtherStreamOptions() throws {
        let body = Array(#"{"stream":true,"stream_options":{"include_usage":false,"include_obfuscation":false}}"#.utf8)
        let rewritten = StreamUsageInjection.injectIncludeUsage(into: body)
        let parsed = try JSONReader.parse(rewritten)
        #expect(parsed["stream_options"]?["include_usage"]?.boolValue == true)
        #expect(parsed["stream_options"]?["include_obfuscation"]?.boolValue == false)
    }

    @Test func replacesOnlyTheModel() {
        let body = Array(#"{ "model" : "gpt-4", "messages": [{"content": "model"}] }"#.utf8)
        let facts = try? RequestInspector.inspect(provider: .openai, method: "POST", path: "/v1/chat/completions",
                                                  query: nil, body: body)
        let range = facts!.modelValueRange!
        let rewritten = StreamUsageInjection.replacingModel(in: body, valueRange: range, with: "claude-sonnet-4-6")
        #expect(String(decoding: rewritten, as: UTF8.self)
                == #"{ "model" : "claude-sonnet-4-6", "messages": [{"content": "model"}] }"#)
    }
}

struct RequestInspectorTests {
    func inspect(_ provider: Provider, _ path: String, _ body: String, query: String? = nil) throws -> RequestFacts {
        try RequestInspector.inspect(provider: provider, method: "POST", path: path, query: query, body: Array(body.utf8))
    }

    @Test func openAIChatStreamWithoutUsage() throws {
        let facts = try inspect(.openai, "/v1/chat/completions", #"{"model":"gpt-4o","stream":true,"max_tokens":50}"#)
        #expect(facts.endpoint == .chatCompletions)
        #expect(facts.model == "gpt-4o")
        #expect(facts.stream && facts.streamFormat == .sse)
        #expect(facts.needsInjectedStreamUsage)
        #expect(facts.maxOutputTokens == 50)
    }

    @Test func clientThatAsksForUsageIsLeftAlone() throws {
        let facts = try inspect(.openai, "/v1/chat/completions",
                                #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}"#)
        #expect(!facts.needsInjectedStreamUsage)
    }

    @Test func geminiModelAndStreamFormFromPath() throws {
        let sse = try inspect(.google, "/v1beta/models/gemini-2.5-pro:streamGenerateContent", "{}", query: "alt=sse")
        #expect(sse.model == "gemini-2.5-pro" && sse.streamFormat == .sse && sse.endpoint == .streamGenerateContent)
        let array = try inspect(.google, "/v1/models/gemini-2.5-flash:streamGenerateContent", "{}")
        #expect(array.streamFormat == .jsonArray)
        let plain = try inspect(.google, "/v1beta/models/gemini-2.5-flash:generateContent",
                                #"{"generationConfig":{"maxOutputTokens":64}}"#)
        #expect(!plain.stream && plain.maxOutputTokens == 64)
    }

    @Test func anthropicMessages() throws {
        let facts = try inspect(.anthropic, "/v1/messages", #"{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true}"#)
        #expect(facts.endpoint == .messages && facts.stream && facts.maxOutputTokens == 1024)
    }

    @Test(arguments: [#"{"model": "gpt-4o""#, "not json", "[1]", #"{"a":1} trailing"#, ""])
    func malformedBodiesAreRejected(body: String) {
        #expect(throws: JSONSyntaxError.self) { try inspect(.openai, "/v1/chat/completions", body) }
    }

    /// Members are read where they stand: the last of several caps (as a reader of the whole
    /// body would have it), escaped names, and values of the wrong kind.
    @Test func membersAreReadInPlaceAsAWholeReaderWouldReadThem() throws {
        let body = #"{"max_completion_tokens":10,"model":"gpt-5-mini-2025-08-07","str\u0065am":true,"#
            + #""stream_options":{"include_usage":false},"max_tokens":20,"max_output_tokens":"x"}"#
        let facts = try inspect(.openai, "/v1/chat/completions", body)
        #expect(facts.maxOutputTokens == 20)
        #expect(facts.model == "gpt-5-mini-2025-08-07")
        let range = try #require(facts.modelValueRange)
        #expect(String(decoding: Array(body.utf8)[range], as: UTF8.self) == #""gpt-5-mini-2025-08-07""#)
        #expect(facts.stream && !facts.clientRequestedStreamUsage && facts.needsInjectedStreamUsage)
        let capFirst = try inspect(.openai, "/v1/chat/completions", #"{"max_tokens":20,"max_completion_tokens":10,"model":7}"#)
        #expect(capFirst.maxOutputTokens == 10 && capFirst.model == nil && !capFirst.stream)
        let gemini = try inspect(.google, "/v1beta/models/gemini-2.5-flash:generateContent",
                                 #"{"generation_config":{"maxOutputTokens":64},"generationConfig":{"temperature":1}}"#)
        #expect(gemini.maxOutputTokens == 64)
    }

    @Test func unmeteredEndpointsPassAnyBody() throws {
        let facts = try inspect(.openai, "/v1/files", "--boundary\r\nbinary")
        #expect(facts.endpoint == .other)
    }
}

struct JSONReaderTests {
    @Test func valuesAndEscapes() throws {
        let value = try JSONReader.parse(Array(#"{"a":[1,-2.5e3,true,null,"x\u00e9\ud83d\ude00\n"],"b":{"c":9223372036854775807}}"#.utf8))
        #expect(value["a"]?.arrayValue?.count == 5)
        #expect(value["a"]?.arrayValue?[1].doubleValue == -2500)
        #expect(value["a"]?.arrayValue?[4].stringValue == "xé😀\n")
        #expect(value["b"]?["c"]?.intValue == Int64.max)
    }

    @Test(arguments: ["{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "tru", "\"a\u{01}\"", String(repeating: "[", count: 600)])
    func invalidDocuments(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(Array(text.utf8)) }
    }
}
