/// Follows one response body as it passes through the proxy and reports the call's usage at
/// any moment: complete when the body ended, "seen so far" when the client went away.
///
/// It copies only what can carry usage (the last usage-bearing event of a stream, or the body
/// of a non-streamed response) and parses it lazily in `usage()`, so relaying a long stream
/// costs one byte scan and no JSON work per event.
public struct UsageTracker: Sendable {
    public let facts: RequestFacts
    /// Largest non-streamed body kept for reading usage; larger ones are relayed unread.
    public static let maxBufferedBody = 64 << 20

    private var sse = SSEParser()
    private var array = JSONArrayStreamSplitter()
    private var body: [UInt8] = []
    private var bodyOverflowed = false
    /// Anthropic: usage merged from `message_start` and each `message_delta`, parsed as they come.
    private var anthropicUsage: Usage?
    private var anthropicModel: String?
    /// OpenAI/Gemini streams: the latest event that carries a usage object, parsed on demand.
    private var lastUsageEvent: [UInt8]?
    private var firstEvent: [UInt8]?
    /// Content-bearing events seen, a lower bound on output tokens when a stream is cut short.
    public private(set) var contentEvents: Int64 = 0
    public private(set) var bytesSeen: Int64 = 0
    /// The provider's message when the stream itself reported an error (Anthropic's
    /// `event: error`, an OpenAI or Gemini chunk carrying `"error"`, `response.failed`).
    public private(set) var streamError: String?

    public init(facts: RequestFacts) {
        self.facts = facts
    }

    /// Feeds decoded (decompressed) response bytes.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        bytesSeen += Int64(bytes.count)
        switch facts.streamFormat {
        case .none:
            guard !bodyOverflowed else { return }
            if body.count + bytes.count > Self.maxBufferedBody {
                bodyOverflowed = true
                body = []
            } else {
                body.append(contentsOf: bytes)
            }
        case .sse:
            // Move the parser out so feeding it does not copy its buffers (copy-on-write).
            var parser = SSEParser()
            swap(&parser, &sse)
            parser.feed(bytes) { event in handle(event: event) }
            swap(&parser, &sse)
        case .jsonArray:
            var splitter = JSONArrayStreamSplitter()
            swap(&splitter, &array)
            splitter.feed(bytes) { element in handle(data: element, eventName: nil) }
            swap(&splitter, &array)
        }
    }

    public mutating func consume(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { consume($0) }
    }

    /// Signals the end of the body, flushing an event left without its final blank line.
    public mutating func finish() {
        guard facts.streamFormat == .sse else { return }
        var parser = SSEParser()
        swap(&parser, &sse)
        parser.finish { event in handle(event: event) }
        swap(&parser, &sse)
    }

    private mutating func handle(event: borrowing SSEParser.Event) {
        handle(data: event.data, eventName: event.name.isEmpty ? nil : event.name)
    }

    private mutating func handle(data: [UInt8], eventName: [UInt8]?) {
        if let name = eventName, name.elementsEqual("error".utf8) || name.elementsEqual("response.failed".utf8) {
            noteError(data)
            return
        }
        if ByteSearch.hasObjectMember(#""error""#, in: data) { noteError(data) }
        switch facts.endpoint {
        case .messages:
            if let name = eventName {
                if name.elementsEqual("content_block_delta".utf8) { contentEvents += 1; return }
                if name.elementsEqual("message_start".utf8) || name.elementsEqual("message_delta".utf8) {
                    mergeAnthropic(data)
                }
            } else if ByteSearch.contains(data, #""usage""#) {
                mergeAnthropic(data)
            }
        case .responses:
            if let name = eventName, name.elementsEqual("response.output_text.delta".utf8) {
                contentEvents += 1
                return
            }
            if firstEvent == nil { firstEvent = data }
            if ByteSearch.hasObjectMember(#""usage""#, in: data) { lastUsageEvent = data }
        default:
            if firstEvent == nil { firstEvent = data }
            if facts.provider == .google {
                if ByteSearch.contains(data, #""text""#) { contentEvents += 1 }
                if ByteSearch.hasObjectMember(#""usageMetadata""#, in: data) { lastUsageEvent = data }
            } else if ByteSearch.hasObjectMember(#""usage""#, in: data) {
                lastUsageEvent = data
            } else if ByteSearch.contains(data, #""content":""#) {
                contentEvents += 1
            }
        }
    }

    private mutating func noteError(_ data: [UInt8]) {
        guard streamError == nil, let event = try? JSONReader.parse(data) else { return }
        let error = event["error"] ?? event["response"]?["error"]
        guard let error, error.objectValue != nil else { return }
        let message = error["message"]?.stringValue ?? error["type"]?.stringValue ?? "the provider reported an error in the stream"
        streamError = String(message.prefix(300))
    }

    private mutating func mergeAnthropic(_ data: [UInt8]) {
        data.withUnsafeBytes { buffer in
            guard let event = JSONSelectedMembers(buffer, named: Self.anthropicEventMembers) else { return }
            var usage = anthropicUsage ?? Usage()
            if let message = event["message"], message.isObject {
                if let object = message["usage"] { UsageParser.merge(anthropic: object, into: &usage) }
                if let model = message["model"]?.stringValue { anthropicModel = model }
            }
            if let object = event["usage"], object.isObject {
                UsageParser.merge(anthropic: object, into: &usage)
            }
            anthropicUsage = usage
        }
    }

    /// The usage seen so far, or nil when the body carried none (errors, unmetered endpoints).
    public func usage() -> Usage? {
        switch facts.streamFormat {
        case .none:
            return body.isEmpty ? nil : Self.usage(fromBody: body, endpoint: facts.endpoint)
        case .sse, .jsonArray:
            if facts.endpoint == .messages {
                guard var usage = anthropicUsage else { return nil }
                usage.responseModel = anthropicModel
                usage.outputTokens = max(usage.outputTokens, contentEvents)
                return usage
            }
            if let event = lastUsageEvent, var usage = Self.usage(fromBody: event, endpoint: facts.endpoint) {
                if usage.responseModel == nil { usage.responseModel = responseModelFromFirstEvent() }
                if facts.provider == .google { usage.outputTokens = max(usage.outputTokens, 0) }
                return usage
            }
            guard contentEvents > 0 else { return nil }
            return Usage(outputTokens: contentEvents, responseModel: responseModelFromFirstEvent())
        }
    }

    /// Whether the usage came from the provider's final accounting rather than being partial.
    public var sawFinalUsage: Bool {
        switch facts.streamFormat {
        case .none: return !body.isEmpty
        case .sse, .jsonArray:
            if facts.endpoint == .messages { return anthropicUsage != nil }
            return lastUsageEvent != nil
        }
    }

    private func responseModelFromFirstEvent() -> String? {
        guard let first = firstEvent, let json = try? JSONReader.parse(first) else { return nil }
        return json["model"]?.stringValue ?? json["response"]?["model"]?.stringValue
            ?? json["modelVersion"]?.stringValue
    }

    /// The top-level members of a response body that usage is read from.
    static let usageMembers: InlineArray<6, StaticString> = ["usage", "model", "service_tier", "usageMetadata",
                                                             "modelVersion", "response"]
    /// The members of an Anthropic stream event that usage is read from.
    static let anthropicEventMembers: InlineArray<2, StaticString> = ["message", "usage"]

    /// Reads usage from a whole JSON body in place: the body is validated in one pass and only
    /// the numbers and names that matter are decoded (a large embeddings response is not
    /// materialised, and a usage object costs no allocation).
    static func usage(fromBody body: [UInt8], endpoint: Endpoint) -> Usage? {
        body.withUnsafeBytes { buffer -> Usage? in
            guard let members = JSONSelectedMembers(buffer, named: usageMembers) else { return nil }
            return UsageParser.usage(fromResponse: members, endpoint: endpoint)
        }
    }

    /// The provider's error message from an error body, for the record (truncated).
    public static func errorMessage(fromBody body: [UInt8]) -> String? {
        guard let json = try? JSONReader.parse(body) else { return nil }
        let message = json["error"]?["message"]?.stringValue ?? json["message"]?.stringValue
        return message.map { String($0.prefix(300)) }
    }
}
