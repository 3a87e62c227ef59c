import Providers

/// The cost preview of a playground prompt, before it runs: its input tokens estimated from
/// its size, priced at the model's rates, and the most its answer can cost (`max_tokens` of
/// output). An estimate, not a count: about four bytes of English a token, plus the few
/// tokens each message costs in framing, which is what the providers' own guides suggest.
struct PlaygroundEstimate: Sendable, Equatable {
    var inputTokens: Int64
    var maxOutputTokens: Int64
    /// nil when the model is not in the price table.
    var price: ModelPrice?
    var inputCostPico: Int64?
    var maxOutputCostPico: Int64?

    static let bytesPerToken = 4
    static let tokensPerMessage: Int64 = 4

    init(_ request: PlaygroundRequest, prices: PriceTable) {
        inputTokens = Self.tokens(in: request)
        maxOutputTokens = Int64(request.maxTokens)
        price = prices.price(for: request.model)
        if let price {
            let input = CostCalculator.breakdown(of: Usage(inputTokens: inputTokens), at: price)
            let output = CostCalculator.breakdown(of: Usage(inputTokens: inputTokens, outputTokens: maxOutputTokens), at: price)
            inputCostPico = input?.input
            maxOutputCostPico = output.map { $0.output + $0.reasoning }
        }
    }

    static func tokens(in request: PlaygroundRequest) -> Int64 {
        var texts = request.messages.map(\.text)
        if let system = request.system { texts.append(system) }
        let nonEmpty = texts.filter { !$0.isEmpty }
        guard !nonEmpty.isEmpty else { return 0 }
        let content = nonEmpty.reduce(Int64(0)) { total, text in
            total + Int64((text.utf8.count + bytesPerToken - 1) / bytesPerToken)
        }
        return content + tokensPerMessage * Int64(nonEmpty.count) + 3
    }

    var totalMaxCostPico: Int64? {
        guard let inputCostPico, let maxOutputCostPico else { return nil }
        return inputCostPico + maxOutputCostPico
    }
}
