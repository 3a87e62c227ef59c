import Providers

/// Finds messages that carry nothing: no text (or only whitespace), no tool call or result,
/// no image or file. Each still costs its framing (role and delimiters, about
/// `framingTokens`) and often confuses the model. Reads the request body, because the prompt
/// extractor drops empty texts and keeps no trace of images, so `PromptContent` alone cannot
/// tell an empty message from a picture.
public enum EmptyMessageFinder {
    /// Tokens a message costs beyond its content: OpenAI's chat format spends three on the
    /// delimiters and one on the role; other providers' framing is similar.
    public static let framingTokens = 4

    /// Indexes (as in `PromptSegment.messageIndex`) of the empty messages of a request body.
    public static func emptyMessages(provider: Provider, endpoint: Endpoint, body: JSONValue) -> [Int] {
        switch (provider, endpoint) {
        case (.openai, .chatCompletions):
            return indexes(body["messages"]) { message in
                isBlank(message["content"]) && message["tool_calls"] == nil && message["function_call"] == nil
                    && message["audio"] == nil && isBlank(message["refusal"])
            }
        case (.openai, .responses):
            guard body["input"]?.arrayValue != nil else { return [] }
            return indexes(body["input"]) { item in
                let type = item["type"]?.stringValue ?? "message"
                return type == "message" && isBlank(item["content"])
            }
        case (.anthropic, .messages), (.anthropic, .countTokens):
            return indexes(body["messages"]) { isBlank($0["content"]) }
        case (.google, .generateContent), (.google, .streamGenerateContent), (.google, .countTokens):
            return indexes(body["contents"]) { isBlank($0["parts"]) }
        default:
            return []
        }
    }

    static func indexes(_ list: JSONValue?, where isEmpty: (JSONValue) -> Bool) -> [Int] {
        (list?.arrayValue ?? []).enumerated().compactMap { isEmpty($0.element) ? $0.offset : nil }
    }

    /// Missing, null, a whitespace-only string, an empty list, or a list whose every part is
    /// a text part with only whitespace. Any other part (image, tool block, file) is content.
    static func isBlank(_ value: JSONValue?) -> Bool {
        guard let value else { return true }
        if case .null = value { return true }
        if let text = value.stringValue { return isWhitespace(text) }
        if let parts = value.arrayValue {
            return parts.allSatisfy { part in
                if let text = part.stringValue { return isWhitespace(text) }
                guard let object = part.objectValue else { return false }
                let keys = Set(object.keys)
                // A text part: {"type": "text"/"input_text"/"output_text", "text": ...} or Gemini's {"text": ...}.
                guard keys.isSubset(of: ["type", "text", "cache_control", "thought", "annotations"]) else { return false }
                if let type = part["type"]?.stringValue, !type.hasSuffix("text") { return false }
                return isWhitespace(part["text"]?.stringValue ?? "")
            }
        }
        return false
    }

    static func isWhitespace(_ text: String) -> Bool {
        // Nearly every message starts with a printable ASCII character: answered from one byte.
        if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
        return text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }
}
