/// What the proxy needs to know about a request before it goes upstream, read once from the
/// method, path and body.
public struct RequestFacts: Sendable, Equatable {
    public var provider: Provider
    public var endpoint: Endpoint
    /// The model the client asked for (body `model`, or the Gemini path segment).
    public var model: String?
    public var stream: Bool
    public var streamFormat: StreamFormat
    /// OpenAI chat streams only: whether the client itself asked for the usage chunk.
    public var clientRequestedStreamUsage: Bool
    /// The output cap the client set (`max_tokens`, `max_completion_tokens`, `max_output_tokens`,
    /// Gemini `generationConfig.maxOutputTokens`).
    public var maxOutputTokens: Int64?
    /// Where the `model` value lies in the body, so routing can rewrite only that member.
    public var modelValueRange: Range<Int>?

    public init(provider: Provider, endpoint: Endpoint, model: String? = nil, stream: Bool = false,
                streamFormat: StreamFormat = .none, clientRequestedStreamUsage: Bool = false,
                maxOutputTokens: Int64? = nil, modelValueRange: Range<Int>? = nil) {
        self.provider = provider
        self.endpoint = endpoint
        self.model = model
        self.stream = stream
        self.streamFormat = streamFormat
        self.clientRequestedStreamUsage = clientRequestedStreamUsage
        self.maxOutputTokens = maxOutputTokens
        self.modelValueRange = modelValueRange
    }

    /// True when TokenLens must ask OpenAI for the usage chunk the client did not request, and
    /// hide it again from the client.
    public var needsInjectedStreamUsage: Bool {
        provider == .openai && endpoint == .chatCompletions && stream && !clientRequestedStreamUsage
    }
}
