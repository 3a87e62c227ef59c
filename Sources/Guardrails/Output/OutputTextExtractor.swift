import Providers

/// Reads the text a model generated out of a complete (non-streamed) response body: OpenAI
/// chat `choices[].message.content` and tool-call arguments, Responses `output[]` message
/// `output_text` and function-call arguments, Anthropic `content[]` text and `tool_use` input,
/// Gemini `candidates[].content.parts[]` text and function calls. Reasoning is skipped.
public enum OutputTextExtractor {
    /// Each generated text of the response, in order.
    public static func texts(provider: Provider, endpoint: Endpoint, response: JSONValue) -> [String] {
        var texts: [String] = []
        func add(_ text: String?) { if let text, !text.isEmpty { texts.append(text) } }
        switch (provider, endpoint) {
        case (.openai, .responses):
            for item in response["output"]?.arrayValue ?? [] {
                switch item["type"]?.stringValue {
                case "message":
                    for part in item["content"]?.arrayValue ?? [] where part["type"]?.stringValue == "output_text" {
                        add(part["text"]?.stringValue)
                    }
                case "function_call": add(item["arguments"]?.stringValue)
                case "custom_tool_call": add(item["input"]?.stringValue)
                default: continue
                }
            }
        case (.openai, _):
            for choice in response["choices"]?.arrayValue ?? [] {
                guard let message = choice["message"] else { continue }
                if let content = message["content"]?.stringValue {
                    add(content)
                } else {
                    for part in message["content"]?.arrayValue ?? [] { add(part["text"]?.stringValue) }
                }
                for call in message["tool_calls"]?.arrayValue ?? [] { add(call["function"]?["arguments"]?.stringValue) }
            }
        case (.anthropic, _):
            for block in response["content"]?.arrayValue ?? [] {
                switch block["type"]?.stringValue {
                case "text": add(block["text"]?.stringValue)
                case "tool_use": add(block["input"].map(JSONWriter.serialize))
                default: continue
                }
            }
        case (.google, _):
            for candidate in response["candidates"]?.arrayValue ?? [] {
                for part in candidate["content"]?["parts"]?.arrayValue ?? [] where part["thought"]?.boolValue != true {
                    if let text = part["text"]?.stringValue {
                        add(text)
                    } else if let call = part["functionCall"] ?? part["function_call"] {
                        add(JSONWriter.serialize(call))
                    }
                }
            }
        }
        return texts
    }

    /// The generated texts of a response body joined by blank lines, or nil when the body is
    /// not JSON.
    public static func text(provider: Provider, endpoint: Endpoint, body: [UInt8]) -> String? {
        guard let response = try? JSONReader.parse(body) else { return nil }
        return texts(provider: provider, endpoint: endpoint, response: response).joined(separator: "\n\n")
    }
}
