import Testing
import Guardrails
import Providers

/// The generated text read from the real response fixtures of each provider, whole and streamed.
@Suite struct OutputExtractorTests {
    @Test func openAIChat() {
        let text = OutputTextExtractor.text(provider: .openai, endpoint: .chatCompletions, body: Fixtures.bytes("providers/openai-chat.json"))
        #expect(text?.hasPrefix("Prompt caching lets the API reuse") == true)
        #expect(text?.hasSuffix("put the variable parts at the end.") == true)
    }

    @Test func openAIResponsesSkipsReasoning() {
        let text = OutputTextExtractor.text(provider: .openai, endpoint: .responses, body: Fixtures.bytes("providers/openai-responses.json"))
        #expect(text == "Use the Batch API for the nightly summaries: it accepts the same request bodies, returns results within 24 hours and costs half as much as synchronous calls.")
    }

    @Test func anthropicMessages() {
        let text = OutputTextExtractor.text(provider: .anthropic, endpoint: .messages, body: Fixtures.bytes("providers/anthropic-messages.json"))
        #expect(text?.hasPrefix("Based on the contract you shared") == true)
    }

    @Test func geminiGenerateContent() {
        let text = OutputTextExtractor.text(provider: .google, endpoint: .generateContent, body: Fixtures.bytes("providers/gemini-generate-content.json"))
        #expect(text?.hasPrefix("The report makes three claims.") == true)
    }

    @Test func toolCallArgumentsAreOutputToo() throws {
        let chat = #"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"function":{"name":"send","arguments":"{\"to\":\"jane@exmail.com\"}"}}]}}]}"#
        #expect(OutputTextExtractor.text(provider: .openai, endpoint: .chatCompletions, body: Array(chat.utf8)) == #"{"to":"jane@exmail.com"}"#)
        let anthropic = #"{"content":[{"type":"thinking","thinking":"secret plan"},{"type":"text","text":"Sending."},{"type":"tool_use","id":"t","name":"send","input":{"to":"jane@exmail.com"}}]}"#
        #expect(OutputTextExtractor.text(provider: .anthropic, endpoint: .messages, body: Array(anthropic.utf8)) == "Sending.\n\n{\"to\":\"jane@exmail.com\"}")
        let gemini = #"{"candidates":[{"content":{"parts":[{"text":"thinking...","thought":true},{"functionCall":{"name":"send","args":{"to":"jane@exmail.com"}}}]}}]}"#
        let text = OutputTextExtractor.text(provider: .google, endpoint: .generateContent, body: Array(gemini.utf8))
        #expect(text?.contains("jane@exmail.com") == true && text?.contains("thinking") == false)
        let responses = #"{"output":[{"type":"function_call","name":"send","arguments":"{\"to\":\"jane@exmail.com\"}"}]}"#
        #expect(OutputTextExtractor.text(provider: .openai, endpoint: .responses, body: Array(responses.utf8)) == #"{"to":"jane@exmail.com"}"#)
    }

    @Test func notJSONIsNil() {
        #expect(OutputTextExtractor.text(provider: .openai, endpoint: .chatCompletions, body: Array("<html>".utf8)) == nil)
    }

    static let streams: [(file: String, provider: Provider, endpoint: Endpoint, format: StreamFormat, text: String)] = [
        ("openai-chat-stream.sse", .openai, .chatCompletions, .sse, "The capital of France is Paris."),
        ("openai-chat-stream-include-usage.sse", .openai, .chatCompletions, .sse, "The capital of France is Paris."),
        ("anthropic-messages-stream.sse", .anthropic, .messages, .sse,
         "The three largest line items in the Q3 invoice are cloud compute ($41,200), the data warehouse licence ($18,750) and support ($9,300). Together they account for 82% of the total, so those are the places to look first for savings."),
        ("anthropic-messages-thinking-stream.sse", .anthropic, .messages, .sse,
         "Using the Euclidean algorithm:\n\n1. 1071 = 2 x 462 + 147\n2. 462 = 3 x 147 + 21\n3. 147 = 7 x 21 + 0\n\nThe last non-zero remainder is **21**, so gcd(1071, 462) = 21."),
        ("gemini-stream-generate-content.sse", .google, .streamGenerateContent, .sse,
         "Rayleigh scattering: air molecules scatter short (blue) wavelengths of sunlight much more strongly than long (red) ones, so blue light reaches your eyes from every direction of the sky."),
        ("gemini-stream-generate-content.json", .google, .streamGenerateContent, .jsonArray,
         "Rayleigh scattering: air molecules scatter short (blue) wavelengths of sunlight much more strongly than long (red) ones, so blue light reaches your eyes from every direction of the sky."),
    ]

    /// Every fixture, cut into two chunks at every byte (and fed byte by byte), yields the same text.
    @Test(arguments: 0..<streams.count)
    func streamedTextAtEveryCut(_ index: Int) {
        let stream = Self.streams[index]
        let bytes = Fixtures.bytes("providers/\(stream.file)")
        var cuts = [[bytes], bytes.map { [$0] }]
        for cut in stride(from: 1, to: bytes.count, by: 7) { cuts.append([Array(bytes[..<cut]), Array(bytes[cut...])]) }
        for chunks in cuts {
            var extractor = StreamTextExtractor(provider: stream.provider, endpoint: stream.endpoint, format: stream.format)
            var deltas: [StreamTextDelta] = []
            for chunk in chunks { deltas += extractor.feed(chunk) }
            deltas += extractor.finish()
            #expect(deltas.map(\.text).joined() == stream.text, "\(stream.file) in \(chunks.count) chunks")
            #expect(Set(deltas.map(\.channel)) == [0])
        }
    }

    @Test func openAIResponsesStreamDeltas() {
        var extractor = StreamTextExtractor(provider: .openai, endpoint: .responses, format: .sse)
        let deltas = extractor.feed(Fixtures.bytes("providers/openai-responses-stream.sse")) + extractor.finish()
        #expect(deltas.count == 11)
        #expect(deltas.first?.text == "Hello")
        let text = OutputTextExtractor.texts(provider: .openai, endpoint: .responses,
                                             response: Fixtures.json("providers/openai-responses.json"))
        #expect(!text.isEmpty)
    }

    @Test func separateChannelsForChoicesAndToolCalls() {
        let sse = """
        data: {"choices":[{"index":0,"delta":{"content":"Hi "}},{"index":1,"delta":{"content":"Hello "}}]}

        data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"to\\":"}}]}}]}

        data: {"choices":[{"index":1,"delta":{"content":"there"}}]}

        data: [DONE]


        """
        var extractor = StreamTextExtractor(provider: .openai, endpoint: .chatCompletions, format: .sse)
        let deltas = extractor.feed(Array(sse.utf8)) + extractor.finish()
        #expect(deltas == [StreamTextDelta(channel: 0, text: "Hi "), StreamTextDelta(channel: 1, text: "Hello "),
                           StreamTextDelta(channel: 2, text: #"{"to":"#), StreamTextDelta(channel: 1, text: "there")])
    }

    @Test func anthropicThinkingIsNotOutputButToolInputIs() {
        let sse = """
        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"jane@exmail.com"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"to\\": \\"bob@"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"exmail.com\\"}"}}


        """
        var extractor = StreamTextExtractor(provider: .anthropic, endpoint: .messages, format: .sse)
        let deltas = extractor.feed(Array(sse.utf8)) + extractor.finish()
        #expect(deltas.map(\.text).joined() == #"{"to": "bob@exmail.com"}"#)
    }
}
