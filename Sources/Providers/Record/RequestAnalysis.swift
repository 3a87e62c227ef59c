/// What TokenLens measured about a request's prompt, recorded with the call: where its tokens
/// went (the heatmap sections) and how many were waste. Token counts are exact for OpenAI
/// models and an estimate (the o200k vocabulary) for the others; `exactTokens` says which.
public struct RequestAnalysis: Sendable, Equatable, Hashable, Codable {
    public var systemTokens: Int64 = 0
    public var toolTokens: Int64 = 0
    public var contextTokens: Int64 = 0
    public var historyTokens: Int64 = 0
    public var queryTokens: Int64 = 0
    public var whitespaceWasteTokens: Int64 = 0
    public var fillerWasteTokens: Int64 = 0
    public var repeatedWasteTokens: Int64 = 0
    public var emptyMessages: Int64 = 0
    public var messageCount: Int64 = 0
    /// 0 (trivial) … 9 (hard), for model right-sizing.
    public var complexity: Int64 = 0
    public var exactTokens: Bool = false

    public init() {}

    public var promptTokens: Int64 { systemTokens + toolTokens + contextTokens + historyTokens + queryTokens }
    public var wasteTokens: Int64 { whitespaceWasteTokens + fillerWasteTokens + repeatedWasteTokens }
}
