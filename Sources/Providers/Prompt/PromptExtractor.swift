/// Reads the prompt-bearing fields of each provider's request format into `PromptContent`:
/// OpenAI chat `messages` (string or content parts, tool calls, tool results) and `tools`;
/// Responses `instructions`, `input` (string or items) and `tools`; embeddings `input`;
/// Anthropic `system`, `messages` (text, tool_use, tool_result blocks) and `tools`; Gemini
/// `systemInstruction`, `contents` (text, functionCall, functionResponse parts) and `tools`.
/// Images, audio and files carry no scannable text and are skipped.
public enum PromptExtractor {
    public static func extract(provider: Provider, endpoint: Endpoint, body: JSONValue) -> PromptContent {
        var content = PromptContent()
        switch (provider, endpoint) {
        case (.openai, .chatCompletions): openAIChat(body, into: &content)
        case (.openai, .responses): openAIResponses(body, into: &content)
        case (.openai, .embeddings): embeddings(body, into: &content)
        case (.anthropic, .messages), (.anthropic, .countTokens): anthropic(body, into: &content)
        case (.google, .generateContent), (.google, .streamGenerateContent), (.google, .countTokens): gemini(body, into: &content)
        default: break
        }
        return content
    }

    // MARK: - OpenAI

    static func openAIChat(_ body: JSONValue, into content: inout PromptContent) {
        tools(body["tools"], into: &content) { $0["function"] ?? $0 }
        for (index, message) in (body["messages"]?.arrayValue ?? []).enumerated() {
            content.messageCount += 1
            let role = openAIRole(message["role"]?.stringValue)
            let kind: PromptSegment.Kind = role == .tool ? .toolResult : .text
            forEachText(in: message["content"]) { text in
                content.segments.append(PromptSegment(role: role, kind: kind, text: text, messageIndex: index))
            }
            for call in message["tool_calls"]?.arrayValue ?? [] {
                let function = call["function"]
                let text = [function?["name"]?.stringValue, function?["arguments"]?.stringValue].compactMap { $0 }.joined(separator: " ")
                if !text.isEmpty { content.segments.append(PromptSegment(role: .assistant, kind: .toolCall, text: text, messageIndex: index)) }
            }
        }
    }

    static func openAIResponses(_ body: JSONValue, into content: inout PromptContent) {
        tools(body["tools"], into: &content) { $0 }
        if let instructions = body["instructions"]?.stringValue, !instructions.isEmpty {
            content.segments.append(PromptSegment(role: .system, text: instructions, messageIndex: -1))
        }
        if let input = body["input"]?.stringValue {
            content.messageCount = 1
            content.segments.append(PromptSegment(role: .user, text: input, messageIndex: 0))
            return
        }
        for (index, item) in (body["input"]?.arrayValue ?? []).enumerated() {
            content.messageCount += 1
            switch item["type"]?.stringValue {
            case "function_call_output", "custom_tool_call_output", "computer_call_output":
                forEachText(in: item["output"]) { text in
                    content.segments.append(PromptSegment(role: .tool, kind: .toolResult, text: text, messageIndex: index))
                }
            case "function_call", "custom_tool_call":
                let text = [item["name"]?.stringValue, item["arguments"]?.stringValue ?? item["input"]?.stringValue]
                    .compactMap { $0 }.joined(separator: " ")
                content.segments.append(PromptSegment(role: .assistant, kind: .toolCall, text: text, messageIndex: index))
            case "reasoning":
                continue
            default:
                let role = openAIRole(item["role"]?.stringValue)
                forEachText(in: item["content"]) { text in
                    content.segments.append(PromptSegment(role: role, text: text, messageIndex: index))
                }
            }
        }
    }

    static func embeddings(_ body: JSONValue, into content: inout PromptContent) {
        let inputs = body["input"]?.arrayValue.map { $0.compactMap(\.stringValue) } ?? body["input"]?.stringValue.map { [$0] } ?? []
        for (index, text) in inputs.enumerated() {
            content.segments.append(PromptSegment(role: .user, text: text, messageIndex: index))
        }
        content.messageCount = inputs.count
    }

    static func openAIRole(_ role: String?) -> PromptSegment.Role {
        switch role {
        case "system", "developer": .system
        case "assistant": .assistant
        case "tool", "function": .tool
        default: .user
        }
    }

    // MARK: - Anthropic

    static func anthropic(_ body: JSONValue, into content: inout PromptContent) {
        tools(body["tools"], into: &content) { $0 }
        forEachText(in: body["system"]) { text in
            content.segments.append(PromptSegment(role: .system, text: text, messageIndex: -1))
        }
        for (index, message) in (body["messages"]?.arrayValue ?? []).enumerated() {
            content.messageCount += 1
            let role: PromptSegment.Role = message["role"]?.stringValue == "assistant" ? .assistant : .user
            if let text = message["content"]?.stringValue {
                content.segments.append(PromptSegment(role: role, text: text, messageIndex: index))
                continue
            }
            for block in message["content"]?.arrayValue ?? [] {
                switch block["type"]?.stringValue {
                case "text":
                    if let text = block["text"]?.stringValue {
                        content.segments.append(PromptSegment(role: role, text: text, messageIndex: index))
                    }
                case "tool_result":
                    forEachText(in: block["content"]) { text in
                        content.segments.append(PromptSegment(role: .tool, kind: .toolResult, text: text, messageIndex: index))
                    }
                case "tool_use":
                    let input = block["input"].map(JSONWriter.serialize) ?? ""
                    content.segments.append(PromptSegment(role: .assistant, kind: .toolCall,
                                                          text: [block["name"]?.stringValue ?? "", input].joined(separator: " "),
                                                          messageIndex: index))
                default:
                    continue
                }
            }
        }
    }

    // MARK: - Gemini

    static func gemini(_ body: JSONValue, into content: inout PromptContent) {
        for tool in body["tools"]?.arrayValue ?? [] {
            for declaration in tool["functionDeclarations"]?.arrayValue ?? tool["function_declarations"]?.arrayValue ?? [] {
                content.segments.append(PromptSegment(role: .system, kind: .toolDefinition,
                                                      text: JSONWriter.serialize(declaration), messageIndex: -1))
            }
        }
        let system = body["systemInstruction"] ?? body["system_instruction"]
        for part in system?["parts"]?.arrayValue ?? [] {
            if let text = part["text"]?.stringValue { content.segments.append(PromptSegment(role: .system, text: text, messageIndex: -1)) }
        }
        let contents = body["contents"]?.arrayValue ?? (body["contents"]?.objectValue != nil ? [body["contents"]!] : [])
        for (index, message) in contents.enumerated() {
            content.messageCount += 1
            let role: PromptSegment.Role = message["role"]?.stringValue == "model" ? .assistant : .user
            for part in message["parts"]?.arrayValue ?? [] {
                if let text = part["text"]?.stringValue {
                    content.segments.append(PromptSegment(role: role, text: text, messageIndex: index))
                } else if let response = part["functionResponse"] ?? part["function_response"] {
                    content.segments.append(PromptSegment(role: .tool, kind: .toolResult,
                                                          text: JSONWriter.serialize(response["response"] ?? response), messageIndex: index))
                } else if let call = part["functionCall"] ?? part["function_call"] {
                    content.segments.append(PromptSegment(role: .assistant, kind: .toolCall,
                                                          text: JSONWriter.serialize(call), messageIndex: index))
                }
            }
        }
    }

    // MARK: - Shared

    static func tools(_ value: JSONValue?, into content: inout PromptContent, definition: (JSONValue) -> JSONValue) {
        for tool in value?.arrayValue ?? [] {
            content.segments.append(PromptSegment(role: .system, kind: .toolDefinition,
                                                  text: JSONWriter.serialize(definition(tool)), messageIndex: -1))
        }
    }

    /// Text of a content field: a string, or the `text` of each part of a list of parts
    /// (`{"type":"text","text":...}`, `input_text`, `output_text`), recursively for nested results.
    /// Calls `visit` with each non-empty text of a content value: the string itself, or each
    /// part's string or `text`, nested `content` included.
    static func forEachText(in value: JSONValue?, _ visit: (String) -> Void) {
        guard let value else { return }
        if let text = value.stringValue {
            if !text.isEmpty { visit(text) }
            return
        }
        for part in value.arrayValue ?? [] {
            if let text = part.stringValue ?? part["text"]?.stringValue {
                if !text.isEmpty { visit(text) }
            } else if let nested = part["content"] {
                forEachText(in: nested, visit)
            }
        }
    }
}
