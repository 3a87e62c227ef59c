/// Prices a call's `Usage` against a `ModelPrice`, exactly, in picodollars.
///
/// Rules, per token kind (rates chosen for the call's prompt size and service tier):
/// uncached input at the input rate (audio at the audio rate where given); cache reads at the
/// cache-read rate; cache writes at the 5-minute write rate and one-hour writes at the
/// one-hour rate; output at the output rate, its reasoning part at the reasoning rate where
/// given, its audio part at the output-audio rate where given. Where the table lacks a cache
/// rate: Anthropic's published multipliers (1.25× input for 5-minute writes, 2× for one-hour
/// writes); otherwise the input rate, so a missing rate never makes tokens free.
public enum CostCalculator {
    public static func cost(of usage: Usage, at price: ModelPrice) -> Int64? {
        breakdown(of: usage, at: price)?.total
    }

    public static func breakdown(of usage: Usage, at price: ModelPrice) -> CostBreakdown? {
        let rates = price.rates(promptTokens: usage.promptTokens, serviceTier: usage.serviceTier)
        guard let input = rates.input else { return nil }
        let output = rates.output ?? 0
        let (cacheRead, cacheWrite, cacheWrite1h) = cacheRates(rates, input: input, provider: price.provider)

        let audioIn = rates.inputAudio == nil ? 0 : min(usage.inputAudioTokens, usage.inputTokens)
        let reasoning = min(usage.reasoningTokens, usage.outputTokens)
        let audioOut = rates.outputAudio == nil ? 0 : min(usage.outputAudioTokens, usage.outputTokens - reasoning)
        let write1h = min(usage.cacheWrite1hTokens, usage.cacheWriteTokens)

        var cost = CostBreakdown()
        cost.input = (usage.inputTokens - audioIn) * input + audioIn * (rates.inputAudio ?? input)
        cost.cacheRead = usage.cacheReadTokens * cacheRead
        cost.cacheWrite = (usage.cacheWriteTokens - write1h) * cacheWrite + write1h * cacheWrite1h
        cost.output = (usage.outputTokens - reasoning - audioOut) * output + audioOut * (rates.outputAudio ?? output)
        cost.reasoning = reasoning * (rates.reasoning ?? output)
        cost.cacheSavings = (usage.cacheReadTokens + usage.cacheWriteTokens) * input - cost.cacheRead - cost.cacheWrite
        return cost
    }

    /// The rates cache reads, 5-minute writes and one-hour writes are billed at, with the
    /// fallbacks above for the ones the table lacks.
    public static func cacheRates(_ rates: Rates, input: Int64, provider: String)
        -> (read: Int64, write: Int64, write1h: Int64) {
        let isAnthropic = provider == "anthropic"
        let write = rates.cacheWrite ?? (isAnthropic ? input * 5 / 4 : input)
        return (rates.cacheRead ?? input, write, rates.cacheWrite1h ?? (isAnthropic ? input * 2 : write))
    }
}
