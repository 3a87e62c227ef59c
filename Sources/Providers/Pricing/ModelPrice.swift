/// Everything the price table knows about one model id: base rates, long-context tiers
/// (rates that apply when a prompt is above a token threshold) and service tiers
/// (`priority`, `flex`, ...), each of which may have tiers of its own.
public struct ModelPrice: Sendable, Equatable, Codable {
    public struct Schedule: Sendable, Equatable, Codable {
        public var base: Rates
        /// Ascending by threshold; a tier applies when prompt tokens exceed its threshold.
        public var tiers: [Tier]

        public init(base: Rates = Rates(), tiers: [Tier] = []) {
            self.base = base
            self.tiers = tiers
        }

        /// The rates for a prompt of `promptTokens`: the highest tier exceeded, over the base.
        public func rates(promptTokens: Int64) -> Rates {
            guard let tier = tiers.last(where: { promptTokens > $0.threshold }) else { return base }
            return tier.rates.over(base)
        }
    }

    public struct Tier: Sendable, Equatable, Codable {
        public var threshold: Int64
        public var rates: Rates

        public init(threshold: Int64, rates: Rates) {
            self.threshold = threshold
            self.rates = rates
        }
    }

    public var id: String
    /// `litellm_provider` of the table: `openai`, `anthropic` or `gemini`.
    public var provider: String
    public var mode: String?
    public var standard: Schedule
    public var serviceTiers: [String: Schedule]
    public var maxInputTokens: Int64?
    public var maxOutputTokens: Int64?

    public init(id: String, provider: String, mode: String? = nil, standard: Schedule,
                serviceTiers: [String: Schedule] = [:], maxInputTokens: Int64? = nil, maxOutputTokens: Int64? = nil) {
        self.id = id
        self.provider = provider
        self.mode = mode
        self.standard = standard
        self.serviceTiers = serviceTiers
        self.maxInputTokens = maxInputTokens
        self.maxOutputTokens = maxOutputTokens
    }

    /// The rates a call is billed at: its service tier's schedule over the standard one.
    public func rates(promptTokens: Int64, serviceTier: String?) -> Rates {
        let standardRates = standard.rates(promptTokens: promptTokens)
        guard let tier = serviceTier, let schedule = serviceTiers[tier] else { return standardRates }
        return schedule.rates(promptTokens: promptTokens).over(standardRates)
    }

    /// A model can be priced when its table entry gives at least an input rate.
    public var isPriced: Bool { standard.base.input != nil }
}
