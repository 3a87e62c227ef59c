/// Member names of provider request and response bodies that are too long for a small string
/// (more than 15 UTF-8 bytes), so that reading one would allocate its storage on every call:
/// a usage block alone has five or six of them. Reading a body returns these literals instead,
/// which cost nothing to hand out.
enum KnownMemberNames {
    /// Indexed by length minus `minimumLength`.
    private static let byLength: [[String]] = {
        let names = [
            // OpenAI
            "prompt_tokens_details", "completion_tokens_details", "reasoning_tokens", "accepted_prediction_tokens",
            "rejected_prediction_tokens", "system_fingerprint", "input_tokens_details", "output_tokens_details",
            "max_completion_tokens", "max_output_tokens", "parallel_tool_calls", "previous_response_id",
            "reasoning_effort", "frequency_penalty", "presence_penalty", "prompt_cache_key",
            // Anthropic
            "cache_creation_input_tokens", "cache_read_input_tokens", "ephemeral_5m_input_tokens",
            "ephemeral_1h_input_tokens",
            // Gemini
            "promptTokenCount", "candidatesTokenCount", "cachedContentTokenCount", "thoughtsTokenCount",
            "promptTokensDetails", "candidatesTokensDetails", "cacheTokensDetails", "toolUsePromptTokenCount",
            "toolUsePromptTokensDetails", "generationConfig", "systemInstruction",
        ]
        let longest = names.map(\.utf8.count).max() ?? minimumLength
        var table = [[String]](repeating: [], count: longest - minimumLength + 1)
        for name in names { table[name.utf8.count - minimumLength].append(name) }
        return table
    }()

    /// Names up to 15 bytes are small strings, stored inline: nothing to save there.
    static let minimumLength = 16

    /// The known name spelled by `bytes`, if it is one.
    static func name(_ bytes: UnsafeRawBufferPointer) -> String? {
        let row = bytes.count - minimumLength
        guard row >= 0, row < byLength.count else { return nil }
        for name in byLength[row] {
            let matches = name.utf8.withContiguousStorageIfAvailable { spelled in
                spelled.elementsEqual(bytes)
            } ?? false
            if matches { return name }
        }
        return nil
    }
}
