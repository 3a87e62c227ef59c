import Insights
import Providers
import Recorder

/// `POST /api/analyze?provider=&min_tokens=50`: the cacheability of a prompt trace. The body is
/// one request body of any supported provider format (or just `{"messages": [...]}`), a JSON
/// array of them, or `{"requests": [...]}` for a sequence of calls; the provider is taken from
/// `?provider=` or guessed from the body.
enum AnalyzeEndpoint {
    static func reply(body: [UInt8], query: AnalysisQuery) -> AnalysisAPI.Reply {
        let json: JSONValue
        do {
            json = try JSONReader.parse(body)
        } catch {
            return AnalysisJSON.error(400, "the body is not valid JSON: \(error)")
        }
        let bodies = json.arrayValue ?? json["requests"]?.arrayValue ?? [json]
        guard !bodies.isEmpty, bodies.allSatisfy({ $0.objectValue != nil }) else {
            return AnalysisJSON.error(400, "give a request body (an object with messages, contents or input), an array of them, or {\"requests\": [...]}")
        }
        let named = query["provider"].map { $0 == "gemini" ? "google" : $0 }
        if let named, Provider(rawValue: named) == nil {
            return AnalysisJSON.error(400, "unknown provider '\(named)': use openai, anthropic or google")
        }
        let provider = named.flatMap(Provider.init(rawValue:)) ?? guessProvider(bodies[0])
        let contents = bodies.map { PromptExtractor.extract(provider: provider, endpoint: endpoint(provider, $0), body: $0) }
        guard contents.contains(where: { !$0.segments.isEmpty }) else {
            return AnalysisJSON.error(422, "no prompt text found for \(provider.rawValue): the body has no messages, system prompt, contents or input")
        }
        var analyzer = CacheabilityAnalyzer()
        analyzer.minimumPartTokens = query.int("min_tokens", default: 50, range: 0...1_000_000)
        let marksCache = String(decoding: body, as: UTF8.self).contains("\"cache_control\"")
        let report = analyzer.analyze(contents, provider: provider, marksCache: marksCache)
        return AnalysisJSON.reply(write(report, provider: provider))
    }

    /// Gemini bodies have `contents`; Anthropic's a top-level `system` or a Claude model; the
    /// rest is read as OpenAI (chat `messages`, or Responses `input`).
    static func guessProvider(_ body: JSONValue) -> Provider {
        let model = body["model"]?.stringValue?.lowercased() ?? ""
        if body["contents"] != nil || body["systemInstruction"] != nil || model.hasPrefix("gemini") { return .google }
        if body["system"] != nil || model.hasPrefix("claude") || body["anthropic_version"] != nil { return .anthropic }
        return .openai
    }

    static func endpoint(_ provider: Provider, _ body: JSONValue) -> Endpoint {
        switch provider {
        case .openai: body["messages"] == nil && (body["input"] != nil || body["instructions"] != nil) ? .responses : .chatCompletions
        case .anthropic: .messages
        case .google: .generateContent
        }
    }

    static func write(_ report: CacheabilityReport, provider: Provider) -> JSONText {
        var json = JSONText(capacity: 2048)
        json.beginObject()
        json.field("provider", provider.rawValue)
        json.field("requests", report.requests)
        json.field("score", report.score)
        json.field("prompt_tokens", report.promptTokens)
        json.field("estimated_tokens", report.estimatedTokens)
        json.field("repeated_prefix_tokens", report.repeatedPrefixTokens)
        json.field("repeated_prefix_share", double: report.repeatedPrefixShare)
        json.field("stable_tokens", report.stableTokens)
        json.field("changing_tokens", report.changingTokens)
        json.field("first_change", report.firstChange)
        json.key("volatile_values")
        AnalysisJSON.strings(report.volatileValues, into: &json)
        json.key("parts")
        json.beginArray()
        for part in report.parts {
            json.beginObject()
            json.field("role", part.role)
            json.field("kind", part.kind)
            json.field("message_index", part.messageIndex)
            json.field("tokens", part.tokens)
            json.field("stable", part.stable)
            json.field("preview", part.preview)
            json.endObject()
        }
        json.endArray()
        json.key("suggestions")
        json.beginArray()
        for suggestion in report.suggestions {
            json.beginObject()
            json.field("code", suggestion.code)
            json.field("message", suggestion.message)
            json.field("tokens", suggestion.tokens.map(Int64.init))
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json
    }
}
