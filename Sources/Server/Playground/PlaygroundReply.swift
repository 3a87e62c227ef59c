import Providers

/// Reads the model's answer, or the provider's error message, out of a provider's response
/// body, for the playground to show.
enum PlaygroundReply {
    static func text(provider: Provider, body: JSONValue) -> String? {
        switch provider {
        case .openai:
            guard let message = body["choices"]?.arrayValue?.first?["message"] else { return nil }
            return message["content"]?.stringValue ?? message["refusal"]?.stringValue
        case .anthropic:
            guard let blocks = body["content"]?.arrayValue else { return nil }
            return blocks.filter { $0["type"]?.stringValue == "text" }.compactMap { $0["text"]?.stringValue }.joined()
        case .google:
            guard let parts = body["candidates"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue else { return nil }
            return parts.filter { $0["thought"]?.boolValue != true }.compactMap { $0["text"]?.stringValue }.joined()
        }
    }

    /// `{"error": {"message": ...}}` (all three providers, and TokenLens's own refusals).
    static func errorMessage(body: JSONValue?) -> String? {
        guard let error = body?["error"] else { return nil }
        return error["message"]?.stringValue ?? error.stringValue
    }
}
