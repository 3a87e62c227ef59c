/// The upstream APIs TokenLens understands. The raw value is the name used in proxy paths
/// (`/proxy/openai/...`), in config tables (`[providers.google]`) and in records.
public enum Provider: String, Sendable, CaseIterable, Codable {
    case openai
    case anthropic
    case google

    /// The public API a provider is reached at when config.toml names no other base URL.
    public var defaultBaseURL: String {
        switch self {
        case .openai: "https://api.openai.com"
        case .anthropic: "https://api.anthropic.com"
        case .google: "https://generativelanguage.googleapis.com"
        }
    }

    /// The `litellm_provider` name this provider's entries carry in the price table.
    public var priceTableName: String {
        switch self {
        case .openai: "openai"
        case .anthropic: "anthropic"
        case .google: "gemini"
        }
    }
}

/// Which API of a provider a call used; decides how its usage is read.
public enum Endpoint: String, Sendable, Codable, CaseIterable {
    case chatCompletions = "chat.completions"
    case responses
    case embeddings
    case messages
    case countTokens = "count_tokens"
    case generateContent
    case streamGenerateContent
    case other

    /// Whether calls to this endpoint are billed per token and so carry usage.
    public var isMetered: Bool {
        switch self {
        case .chatCompletions, .responses, .embeddings, .messages, .generateContent, .streamGenerateContent: true
        case .countTokens, .other: false
        }
    }
}

/// How a response body arrives.
public enum StreamFormat: String, Sendable, Codable {
    /// One JSON document.
    case none
    /// Server-sent events (`data: {...}` blocks).
    case sse
    /// Gemini's streaming form without `alt=sse`: one JSON array whose elements arrive over time.
    case jsonArray
}
