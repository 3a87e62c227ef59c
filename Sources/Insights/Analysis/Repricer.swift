import Providers
import Recorder

/// Prices summed usage at a model's rates, exactly: the sum of the per-call costs equals the
/// cost of the summed tokens as long as every call of the sum was billed at the same rates,
/// which holds within one service tier and one long-context bracket (the rollups keep both).
public enum Repricer {
    /// The cost of `usage` at `price`, with the rates of a prompt of `promptTokens` tokens in
    /// `serviceTier`; nil when the model has no input price.
    public static func cost(of usage: Usage, promptTokens: Int64, serviceTier: String?, at price: ModelPrice) -> CostBreakdown? {
        let rates = price.rates(promptTokens: promptTokens, serviceTier: serviceTier)
        let flat = ModelPrice(id: price.id, provider: price.provider, mode: price.mode,
                              standard: ModelPrice.Schedule(base: rates))
        var plain = usage
        plain.serviceTier = nil
        return CostCalculator.breakdown(of: plain, at: flat)
    }

    /// The tokens of a group as a `Usage`.
    public static func usage(_ figures: UsageFigures) -> Usage {
        Usage(inputTokens: figures.inputTokens, outputTokens: figures.outputTokens,
              cacheReadTokens: figures.cacheReadTokens, cacheWriteTokens: figures.cacheWriteTokens,
              cacheWrite1hTokens: figures.cacheWrite1hTokens, reasoningTokens: figures.reasoningTokens)
    }

    /// A group's cost at another model (same service tier and bracket).
    public static func cost(of group: UsageGroup, at price: ModelPrice) -> CostBreakdown? {
        cost(of: usage(group.figures), promptTokens: group.bracketPromptTokens, serviceTier: group.serviceTier, at: price)
    }
}
