import Providers

/// A prompt trace to analyse: one provider request body, a list of request bodies (JSON
/// array, `{"requests": [...]}` or JSON Lines: consecutive turns of one conversation), or a
/// bare list of chat messages. Each request is classified by its shape.
public struct PromptTrace: Sendable {
    /// One request of the trace.
    public struct Request: Sendable {
        public var provider: Provider
        public var endpoint: Endpoint
        public var body: JSONValue
    }

    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case invalidJSON(String)
        case unrecognised(String)

        public var description: String {
            switch self {
            case .empty: "the trace is empty"
            case .invalidJSON(let detail): "the trace is neither JSON nor JSON Lines: \(detail)"
            case .unrecognised(let detail): detail
            }
        }
    }

    public var requests: [Request]

    public init(requests: [Request]) {
        self.requests = requests
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> PromptTrace {
        let trimmed = bytes.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard !trimmed.isEmpty else { throw .empty }
        let value: JSONValue
        do {
            value = try JSONReader.parse(Array(trimmed))
        } catch let whole {
            // JSON Lines: one request body per line.
            var lines: [JSONValue] = []
            for line in trimmed.split(separator: 0x0A) where line.contains(where: { $0 > 0x20 }) {
                do {
                    lines.append(try JSONReader.parse(Array(line)))
                } catch {
                    throw .invalidJSON("\(whole)")
                }
            }
            return try trace(of: lines)
        }
        if let object = value.objectValue, let requests = object["requests"]?.arrayValue {
            return try trace(of: requests)
        }
        if let list = value.arrayValue {
            if list.contains(where: { $0["role"] != nil }) {
                // A bare conversation: read it as an OpenAI chat request.
                return PromptTrace(requests: [Request(provider: .openai, endpoint: .chatCompletions,
                                                      body: .object(JSONObject([("messages", value)])))])
            }
            return try trace(of: list)
        }
        return try trace(of: [value])
    }

    static func trace(of bodies: [JSONValue]) throws(ParseError) -> PromptTrace {
        guard !bodies.isEmpty else { throw .empty }
        var requests: [Request] = []
        for (index, body) in bodies.enumerated() {
            guard let shape = classify(body) else {
                throw .unrecognised("request \(index + 1) is not a chat request: expected `messages` (OpenAI, Anthropic), `input` (OpenAI Responses) or `contents` (Gemini)")
            }
            requests.append(Request(provider: shape.provider, endpoint: shape.endpoint, body: body))
        }
        return PromptTrace(requests: requests)
    }

    /// Which provider's request format a body is, from the keys only that format uses.
    static func classify(_ body: JSONValue) -> (provider: Provider, endpoint: Endpoint)? {
        guard let object = body.objectValue else { return nil }
        if object["contents"] != nil { return (.google, .generateContent) }
        if object["input"] != nil || object["instructions"] != nil { return (.openai, .responses) }
        guard let messages = object["messages"]?.arrayValue else { return nil }
        let anthropicKeys = object["system"] != nil || object["anthropic_version"] != nil
            || messages.contains { message in
                (message["content"]?.arrayValue ?? []).contains { block in
                    ["tool_use", "tool_result"].contains(block["type"]?.stringValue ?? "") || block["cache_control"] != nil
                }
            }
            || (object["tools"]?.arrayValue ?? []).contains { $0["input_schema"] != nil }
        return anthropicKeys ? (.anthropic, .messages) : (.openai, .chatCompletions)
    }
}
