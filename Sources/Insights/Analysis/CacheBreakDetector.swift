import Providers

/// Finds cache breaks: a call that read nothing from the prompt cache right after at least
/// `minimumWarmCalls` calls that read most of their prompt from it. The prefix changed (or
/// the cache expired), so the prompt was paid again at the full input rate; the extra cost is
/// the tokens the previous call had cached, re-sent uncached, at the input rate minus the
/// cache-read rate.
public struct CacheBreakDetector: Sendable {
    public var warmShare = 0.5
    public var minimumWarmCalls = 2
    /// Prompts shorter than this cannot be cached anyway (the providers' minimum).
    public var minimumPromptTokens: Int64 = 1_024

    public init() {}

    public func detect(in session: CallSession, prices: PriceTable) -> [SessionPattern] {
        var warm: [SessionCall] = []
        var breaks: [SessionPattern] = []
        for call in session.calls where !call.failed && call.promptTokens >= minimumPromptTokens {
            if call.cacheReadShare >= warmShare {
                warm.append(call)
                continue
            }
            if call.cacheReadTokens == 0, warm.count >= minimumWarmCalls, let previous = warm.last {
                let resent = min(previous.cacheReadTokens, call.inputTokens + call.cacheWriteTokens)
                let extra = Self.extraCost(tokens: resent, call: call, prices: prices)
                breaks.append(SessionPattern(
                    kind: .cacheBreak, sessionID: session.id, source: call.source, callIDs: [previous.id, call.id],
                    timestampMicros: call.timestampMicros, extraCostPico: extra,
                    figures: [EvidenceFigure("previous_cache_share", (previous.cacheReadShare * 10_000).rounded() / 10_000),
                              EvidenceFigure("warm_calls", Double(warm.count)),
                              EvidenceFigure("resent_tokens", Double(resent)),
                              EvidenceFigure("gap_s", Double(call.timestampMicros - previous.timestampMicros) / 1_000_000)],
                    detail: "cache reads fell from \(Int((previous.cacheReadShare * 100).rounded()))% of the prompt to 0 after \(warm.count) cached calls"))
            }
            warm.removeAll()
        }
        return breaks
    }

    /// Tokens at the input rate instead of the cache-read rate, for the call's model.
    static func extraCost(tokens: Int64, call: SessionCall, prices: PriceTable) -> Int64 {
        guard let model = call.model, let price = prices.price(for: model), price.isPriced else { return 0 }
        let rates = price.rates(promptTokens: call.promptTokens, serviceTier: nil)
        guard let input = rates.input else { return 0 }
        return tokens * max(0, input - (rates.cacheRead ?? input))
    }
}
