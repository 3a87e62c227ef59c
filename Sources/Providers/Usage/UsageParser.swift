/// Maps each provider's usage object onto `Usage`. Pure functions over parsed JSON, so every
/// provider's rule can be checked against real response shapes.
public enum UsageParser {
    /// OpenAI chat completions and embeddings `usage`: `prompt_tokens` includes
    /// `prompt_tokens_details.cached_tokens`; `completion_tokens` includes reasoning.
    public static func openAIChat(_ usage: JSONValue) -> Usage {
        let prompt = usage["prompt_tokens"]?.intValue ?? 0
        let cached = usage["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0
        let completion = usage["completion_tokens"]?.intValue ?? 0
        let details = usage["completion_tokens_details"]
        return Usage(
            inputTokens: max(0, prompt - cached),
            outputTokens: completion,
            cacheReadTokens: cached,
            reasoningTokens: details?["reasoning_tokens"]?.intValue ?? 0,
            inputAudioTokens: usage["prompt_tokens_details"]?["audio_tokens"]?.intValue ?? 0,
            outputAudioTokens: details?["audio_tokens"]?.intValue ?? 0)
    }

    /// OpenAI Responses `usage`: `input_tokens` includes `input_tokens_details.cached_tokens`.
    public static func openAIResponses(_ usage: JSONValue) -> Usage {
        let input = usage["input_tokens"]?.intValue ?? 0
        let cached = usage["input_tokens_details"]?["cached_tokens"]?.intValue ?? 0
        return Usage(
            inputTokens: max(0, input - cached),
            outputTokens: usage["output_tokens"]?.intValue ?? 0,
            cacheReadTokens: cached,
            reasoningTokens: usage["output_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0)
    }

    /// Anthropic `usage`: `input_tokens` already excludes cache reads and writes; writes are
    /// split into 5-minute and 1-hour buckets by `cache_creation`.
    public static func anthropic(_ usage: JSONValue) -> Usage {
        var result = Usage()
        merge(anthropic: usage, into: &result)
        return result
    }

    /// Applies the members present in an Anthropic usage object over `usage`. Streams report
    /// usage in `message_start` and again, cumulatively, in each `message_delta`; a later
    /// object overrides only the fields it carries.
    public static func merge(anthropic object: JSONValue, into usage: inout Usage) {
        if let input = object["input_tokens"]?.intValue { usage.inputTokens = input }
        if let output = object["output_tokens"]?.intValue { usage.outputTokens = output }
        if let read = object["cache_read_input_tokens"]?.intValue { usage.cacheReadTokens = read }
        if let write = object["cache_creation_input_tokens"]?.intValue { usage.cacheWriteTokens = write }
        if let breakdown = object["cache_creation"], breakdown.objectValue != nil {
            let fiveMinutes = breakdown["ephemeral_5m_input_tokens"]?.intValue ?? 0
            let oneHour = breakdown["ephemeral_1h_input_tokens"]?.intValue ?? 0
            usage.cacheWrite1hTokens = oneHour
            usage.cacheWriteTokens = max(usage.cacheWriteTokens, fiveMinutes + oneHour)
        }
        if let tier = object["service_tier"]?.stringValue { usage.serviceTier = tier }
    }

    /// Gemini `usageMetadata`: `promptTokenCount` includes `cachedContentTokenCount`; thoughts
    /// are counted apart from candidates, and both are output.
    public static func gemini(_ metadata: JSONValue) -> Usage {
        let prompt = metadata["promptTokenCount"]?.intValue ?? 0
        let cached = metadata["cachedContentTokenCount"]?.intValue ?? 0
        let toolPrompt = metadata["toolUsePromptTokenCount"]?.intValue ?? 0
        let candidates = metadata["candidatesTokenCount"]?.intValue ?? 0
        let thoughts = metadata["thoughtsTokenCount"]?.intValue ?? 0
        let audioPrompt = modalityCount(metadata["promptTokensDetails"], "AUDIO")
            - modalityCount(metadata["cacheTokensDetails"], "AUDIO")
        return Usage(
            inputTokens: max(0, prompt - cached) + toolPrompt,
            outputTokens: candidates + thoughts,
            cacheReadTokens: cached,
            reasoningTokens: thoughts,
            inputAudioTokens: max(0, audioPrompt),
            outputAudioTokens: modalityCount(metadata["candidatesTokensDetails"], "AUDIO"))
    }

    private static func modalityCount(_ details: JSONValue?, _ modality: String) -> Int64 {
        guard let entries = details?.arrayValue else { return 0 }
        return entries.reduce(0) { sum, entry in
            entry["modality"]?.stringValue == modality ? sum + (entry["tokenCount"]?.intValue ?? 0) : sum
        }
    }

    /// Reads usage from a complete, non-streamed response body of `endpoint`.
    public static func usage(fromResponse body: JSONValue, endpoint: Endpoint) -> Usage? {
        var usage: Usage
        switch endpoint {
        case .chatCompletions, .embeddings:
            guard let object = body["usage"], object.objectValue != nil else { return nil }
            usage = openAIChat(object)
            usage.serviceTier = body["service_tier"]?.stringValue
        case .responses:
            let response = body["response"]?.objectValue != nil ? body["response"]! : body
            guard let object = response["usage"], object.objectValue != nil else { return nil }
            usage = openAIResponses(object)
            usage.serviceTier = response["service_tier"]?.stringValue
            usage.responseModel = response["model"]?.stringValue
            return usage
        case .messages:
            guard let object = body["usage"], object.objectValue != nil else { return nil }
            usage = anthropic(object)
        case .generateContent, .streamGenerateContent:
            guard let object = body["usageMetadata"], object.objectValue != nil else { return nil }
            usage = gemini(object)
            usage.responseModel = body["modelVersion"]?.stringValue
            return usage
        case .countTokens, .other:
            return nil
        }
        usage.responseModel = body["model"]?.stringValue
        return usage
    }
}
