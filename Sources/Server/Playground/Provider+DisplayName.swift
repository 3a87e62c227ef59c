import Providers

/// How the dashboard and its messages name each provider.
extension Provider {
    var displayName: String {
        switch self {
        case .openai: "OpenAI"
        case .anthropic: "Anthropic"
        case .google: "Gemini"
        }
    }
}
