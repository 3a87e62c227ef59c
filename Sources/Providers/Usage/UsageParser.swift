/// Maps each provider's usage object onto `Usage`. Pure functions over JSON read either way
/// (`JSONLookup`: a parsed tree or the bytes in place), so every provider's rule is written
/// once and checked against real response shapes.
public enum UsageParser {
    /// OpenAI chat completions and embeddings `usage`: `prompt_tokens` includes
    /// `prompt_tokens_details.cached_tokens`; `completion_tokens` includes reasoning.
    public static func openAIChat(_ usage: some JSONLookup) -> Usage {
        let counts = usage.members(["prompt_tokens", "completion_tokens", "prompt_tokens_details",
                                    "completion_tokens_details"])
        let promptDetails = counts[2]?.members(["cached_tokens", "audio_tokens"])
        let completionDetails = counts[3]?.members(["reasoning_tokens", "audio_tokens"])
        let prompt = counts[0]?.intValue ?? 0
        let completion = counts[1]?.intValue ?? 0
        let cached = promptDetails?[0]?.intValue ?? 0
        return Usage(
            inputTokens: max(0, prompt - cached),
            outputTokens: completion,
            cacheReadTokens: cached,
            reasoningTokens: completionDetails?[0]?.intValue ?? 0,
            inputAudioTokens: promptDetails?[1]?.intValue ?? 0,
            outputAudioTokens: completionDetails?[1]?.intValue ?? 0)
    }

    /// OpenAI Responses `usage`: `input_tokens` includes `input_tokens_details.cached_tokens`.
    public static func openAIResponses(_ usage: some JSONLookup) -> Usage {
        let counts = usage.members(["input_tokens", "output_tokens", "input_tokens_details", "output_tokens_details"])
        let input = counts[0]?.intValue ?? 0
        let cached = counts[2]?["cached_tokens"]?.intValue ?? 0
        return Usage(
            inputTokens: max(0, input - cached),
            outputTokens: counts[1]?.intValue ?? 0,
            cacheReadTokens: cached,
            reasoningTokens: counts[3]?["reasoning_tokens"]?.intValue ?? 0)
    }

    /// Anthropic `usage`: `input_tokens` already excludes cache reads and writes; writes are
    /// split into 5-minute and 1-hour buckets by `cache_creation`.
    public static func anthropic(_ usage: some JSONLookup) -> Usage {
        var result = Usage()
        merge(anthropic: usage, into: &result)
        return result
    }

    /// Applies the members present in an Anthropic usage object over `usage`. Streams report
    /// usage in `message_start` and again, cumulatively, in each `message_delta`; a later
    /// object overrides only the fields it carries.
    public static func merge(anthropic object: some JSONLookup, into usage: inout Usage) {
        let fields = object.members(["input_tokens", "output_tokens", "cache_read_input_tokens",
                                     "cache_creation_input_tokens", "cache_creation", "service_tier"])
        if let input = fields[0]?.intValue { usage.inputTokens = input }
        if let output = fields[1]?.intValue { usage.outputTokens = output }
        if let read = fields[2]?.intValue { usage.cacheReadTokens = read }
        if let write = fields[3]?.intValue { usage.cacheWriteTokens = write }
        if let breakdown = fields[4], breakdown.isObject {
            let buckets = breakdown.members(["ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"])
            let fiveMinutes = buckets[0]?.intValue ?? 0
            let oneHour = buckets[1]?.intValue ?? 0
            usage.cacheWrite1hTokens = oneHour
            usage.cacheWriteTokens = max(usage.cacheWriteTokens, fiveMinutes + oneHour)
        }
        if let tier = fields[5]?.stringValue { usage.serviceTier = tier }
    }

    /// Gemini `usageMetadata`: `promptTokenCount` includes `cachedContentTokenCount`; thoughts
    /// are counted apart from candidates, and both are output.
    public static func gemini(_ metadata: some JSONLookup) -> Usage {
        let counts = metadata.members(["promptTokenCount", "cachedContentTokenCount", "toolUsePromptTokenCount",
                                       "candidatesTokenCount", "thoughtsTokenCount", "promptTokensDetails",
                                       "cacheTokensDetails", "candidatesTokensDetails"])
        let prompt = counts[0]?.intValue ?? 0
        let cached = counts[1]?.intValue ?? 0
        let toolPrompt = counts[2]?.intValue ?? 0
        let candidates = counts[3]?.intValue ?? 0
        let thoughts = counts[4]?.intValue ?? 0
        let audioPrompt = modalityCount(counts[5], "AUDIO") - modalityCount(counts[6], "AUDIO")
        return Usage(
            inputTokens: max(0, prompt - cached) + toolPrompt,
            outputTokens: candidates + thoughts,
            cacheReadTokens: cached,
            reasoningTokens: thoughts,
            inputAudioTokens: max(0, audioPrompt),
            outputAudioTokens: modalityCount(counts[7], "AUDIO"))
    }

    private static func modalityCount<Details: JSONLookup>(_ details: Details?, _ modality: String) -> Int64 {
        guard let entries = details?.arrayValue else { return 0 }
        return entries.reduce(0) { sum, entry in
            let fields = entry.members(["modality", "tokenCount"])
            return fields[0]?.stringValue == modality ? sum + (fields[1]?.intValue ?? 0) : sum
        }
    }

    /// Reads usage from a complete, non-streamed response body of `endpoint` (or a stream's
    /// last usage-bearing event).
    public static func usage(fromResponse body: some JSONLookup, endpoint: Endpoint) -> Usage? {
        var usage: Usage
        switch endpoint {
        case .chatCompletions, .embeddings:
            guard let object = body["usage"], object.isObject else { return nil }
            usage = openAIChat(object)
            usage.serviceTier = body["service_tier"]?.stringValue
        case .responses:
            // Stream events carry the response one level down.
            if let response = body["response"], response.isObject { return openAIResponse(response) }
            return openAIResponse(body)
        case .messages:
            guard let object = body["usage"], object.isObject else { return nil }
            usage = anthropic(object)
        case .generateContent, .streamGenerateContent:
            guard let object = body["usageMetadata"], object.isObject else { return nil }
            usage = gemini(object)
            usage.responseModel = body["modelVersion"]?.stringValue
            return usage
        case .countTokens, .other:
            return nil
        }
        usage.responseModel = body["model"]?.stringValue
        return usage
    }

    private static func openAIResponse(_ response: some JSONLookup) -> Usage? {
        guard let object = response["usage"], object.isObject else { return nil }
        var usage = openAIResponses(object)
        usage.serviceTier = response["service_tier"]?.stringValue
        usage.responseModel = response["model"]?.stringValue
        return usage
    }
}
