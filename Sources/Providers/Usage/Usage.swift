/// Token counts of one call, normalised the same way for every provider:
/// `inputTokens` never includes cached tokens (they are in `cacheReadTokens` /
/// `cacheWriteTokens`), and `outputTokens` includes reasoning tokens (`reasoningTokens` says how
/// many of them were reasoning).
public struct Usage: Sendable, Equatable, Hashable, Codable {
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var cacheReadTokens: Int64
    /// All cache writes; `cacheWrite1hTokens` of them at the one-hour rate (Anthropic).
    public var cacheWriteTokens: Int64
    public var cacheWrite1hTokens: Int64
    public var reasoningTokens: Int64
    /// Audio tokens among `inputTokens` / `outputTokens`, billed at audio rates where a model has them.
    public var inputAudioTokens: Int64
    public var outputAudioTokens: Int64
    /// The service tier the provider reports it served the call at (`priority`, `flex`, ...).
    public var serviceTier: String?
    /// The model id the response names (often dated, e.g. `gpt-4o-2024-08-06`).
    public var responseModel: String?

    public init(inputTokens: Int64 = 0, outputTokens: Int64 = 0, cacheReadTokens: Int64 = 0,
                cacheWriteTokens: Int64 = 0, cacheWrite1hTokens: Int64 = 0, reasoningTokens: Int64 = 0,
                inputAudioTokens: Int64 = 0, outputAudioTokens: Int64 = 0,
                serviceTier: String? = nil, responseModel: String? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.cacheWrite1hTokens = cacheWrite1hTokens
        self.reasoningTokens = reasoningTokens
        self.inputAudioTokens = inputAudioTokens
        self.outputAudioTokens = outputAudioTokens
        self.serviceTier = serviceTier
        self.responseModel = responseModel
    }

    /// Every prompt token, cached or not: what long-context price tiers are decided on.
    public var promptTokens: Int64 { inputTokens + cacheReadTokens + cacheWriteTokens }

    public var totalTokens: Int64 { promptTokens + outputTokens }
}
