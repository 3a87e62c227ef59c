import Providers

/// Reads the text a model generates out of a raw response stream, fed as bytes split anywhere:
/// OpenAI chat `choices[].delta.content` and tool-call `arguments`, Responses
/// `response.output_text.delta` and `response.function_call_arguments.delta`, Anthropic
/// `content_block_delta` (`text_delta`, `input_json_delta`), Gemini `candidates[].content.parts[]`
/// (`text`, `functionCall`) in SSE or JSON-array form. Reasoning (`thinking_delta`, Gemini
/// `thought` parts) is not output and is skipped.
///
/// Cost: the usual text event is read from its bytes (`DeltaFastPath`), any other content event
/// takes one JSON parse, and events that cannot carry output are skipped by their name.
public struct StreamTextExtractor: Sendable {
    public let provider: Provider
    public let endpoint: Endpoint
    public let format: StreamFormat
    private var sse = SSEParser()
    private var array = JSONArrayStreamSplitter()
    private var channels: [ChannelKey: Int] = [:]
    private var pending: [StreamTextDelta] = []
    private var functionCalls = 0

    public init(provider: Provider, endpoint: Endpoint, format: StreamFormat) {
        self.provider = provider
        self.endpoint = endpoint
        self.format = format
    }

    /// Feeds response bytes; returns the text deltas they completed, in stream order.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [StreamTextDelta] {
        switch format {
        case .sse:
            // Move the parser out so feeding it does not copy its buffers (copy-on-write).
            var parser = SSEParser()
            swap(&parser, &sse)
            parser.feed(bytes) { event in handle(data: event.data, name: event.name) }
            swap(&parser, &sse)
        case .jsonArray:
            var splitter = JSONArrayStreamSplitter()
            swap(&splitter, &array)
            splitter.feed(bytes) { element in handle(data: element, name: []) }
            swap(&splitter, &array)
        case .none:
            break
        }
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    public mutating func feed(_ bytes: [UInt8]) -> [StreamTextDelta] {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Signals the end of the stream (an SSE event may lack its final blank line).
    public mutating func finish() -> [StreamTextDelta] {
        if format == .sse {
            var parser = SSEParser()
            swap(&parser, &sse)
            parser.finish { event in handle(data: event.data, name: event.name) }
            swap(&parser, &sse)
        }
        defer { pending.removeAll() }
        return pending
    }

    private mutating func handle(data: [UInt8], name: [UInt8]) {
        // Named events that cannot carry output text are not parsed (`response.created` repeats
        // the whole request; Anthropic's `message_start` its metadata).
        if !name.isEmpty {
            switch endpoint {
            case .responses:
                guard name.elementsEqual("response.output_text.delta".utf8)
                    || name.elementsEqual("response.function_call_arguments.delta".utf8) else { return }
            case .messages:
                guard name.elementsEqual("content_block_delta".utf8) else { return }
            default:
                break
            }
        }
        guard data.first == UInt8(ascii: "{") else { return }
        if fastPath(data) { return }
        guard let event = try? JSONReader.parse(data) else { return }
        switch (provider, endpoint) {
        case (.openai, .responses):
            let index = event["output_index"]?.intValue ?? 0
            guard let delta = event["delta"]?.stringValue else { return }
            switch event["type"]?.stringValue {
            case "response.output_text.delta":
                emit(delta, channel: ChannelKey(.text, index, event["content_index"]?.intValue ?? 0))
            case "response.function_call_arguments.delta":
                emit(delta, channel: ChannelKey(.call, index, 0))
            default:
                return
            }
        case (.openai, _):
            for (position, choice) in (event["choices"]?.arrayValue ?? []).enumerated() {
                let index = choice["index"]?.intValue ?? Int64(position)
                guard let delta = choice["delta"] else { continue }
                if let text = delta["content"]?.stringValue { emit(text, channel: ChannelKey(.text, index, 0)) }
                for (callPosition, call) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                    if let arguments = call["function"]?["arguments"]?.stringValue {
                        emit(arguments, channel: ChannelKey(.call, index, call["index"]?.intValue ?? Int64(callPosition)))
                    }
                }
            }
        case (.anthropic, _):
            guard event["type"]?.stringValue == "content_block_delta", let delta = event["delta"] else { return }
            let channel = ChannelKey(.block, event["index"]?.intValue ?? 0, 0)
            switch delta["type"]?.stringValue {
            case "text_delta": if let text = delta["text"]?.stringValue { emit(text, channel: channel) }
            case "input_json_delta": if let json = delta["partial_json"]?.stringValue { emit(json, channel: channel) }
            default: return
            }
        case (.google, _):
            for (position, candidate) in (event["candidates"]?.arrayValue ?? []).enumerated() {
                let index = candidate["index"]?.intValue ?? Int64(position)
                for part in candidate["content"]?["parts"]?.arrayValue ?? [] {
                    if part["thought"]?.boolValue == true { continue }
                    if let text = part["text"]?.stringValue {
                        emit(text, channel: ChannelKey(.text, index, 0))
                    } else if let call = part["functionCall"] ?? part["function_call"] {
                        // A Gemini function call arrives whole: each is its own text.
                        functionCalls += 1
                        emit(JSONWriter.serialize(call), channel: ChannelKey(.call, index, functionCalls))
                    }
                }
            }
        }
    }

    /// Handles the common shape of each provider's text event from its bytes; false when the
    /// event needs a full parse (see `DeltaFastPath`).
    private mutating func fastPath(_ data: [UInt8]) -> Bool {
        switch (provider, endpoint) {
        case (.openai, .responses):
            guard DeltaFastPath.contains(#""type":"response.output_text.delta""#, in: data),
                  let text = DeltaFastPath.onlyString(#""delta""#, in: data),
                  let output = DeltaFastPath.integer(#""output_index""#, in: data),
                  let content = DeltaFastPath.integer(#""content_index""#, in: data) else { return false }
            emit(text, channel: ChannelKey(.text, output, content))
        case (.openai, _):
            guard !DeltaFastPath.contains(#""tool_calls""#, in: data), DeltaFastPath.count(#""index""#, in: data) == 1,
                  let text = DeltaFastPath.onlyString(#""content""#, in: data),
                  let index = DeltaFastPath.integer(#""index""#, in: data) else { return false }
            emit(text, channel: ChannelKey(.text, index, 0))
        case (.anthropic, _):
            guard DeltaFastPath.contains(#""text_delta""#, in: data),
                  let text = DeltaFastPath.onlyString(#""text""#, in: data),
                  let index = DeltaFastPath.integer(#""index""#, in: data) else { return false }
            emit(text, channel: ChannelKey(.block, index, 0))
        case (.google, _):
            guard !DeltaFastPath.contains(#""thought""#, in: data), !DeltaFastPath.contains(#""functionCall""#, in: data),
                  !DeltaFastPath.contains(#""function_call""#, in: data), DeltaFastPath.count(#""index""#, in: data) <= 1,
                  let text = DeltaFastPath.onlyString(#""text""#, in: data),
                  let index = DeltaFastPath.integer(#""index""#, in: data) else { return false }
            emit(text, channel: ChannelKey(.text, index, 0))
        }
        return true
    }

    /// What tells output channels apart: their kind and up to two indexes (choice or output
    /// item, and content part or tool call).
    private struct ChannelKey: Hashable {
        enum Kind: UInt8 { case text, call, block }
        var kind: Kind
        var first: Int64
        var second: Int64

        init(_ kind: Kind, _ first: some BinaryInteger, _ second: some BinaryInteger) {
            self.kind = kind
            self.first = Int64(first)
            self.second = Int64(second)
        }
    }

    private mutating func emit(_ text: String, channel key: ChannelKey) {
        guard !text.isEmpty else { return }
        let channel: Int
        if let known = channels[key] {
            channel = known
        } else {
            channel = channels.count
            channels[key] = channel
        }
        pending.append(StreamTextDelta(channel: channel, text: text))
    }
}
