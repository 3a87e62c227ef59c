/// Per-token prices, in picodollars, for one pricing context (a base price, a long-context
/// tier, or a service tier). A nil rate means the table does not say.
public struct Rates: Sendable, Equatable, Hashable, Codable {
    public var input: Int64?
    public var output: Int64?
    public var cacheRead: Int64?
    public var cacheWrite: Int64?
    public var cacheWrite1h: Int64?
    public var reasoning: Int64?
    public var inputAudio: Int64?
    public var outputAudio: Int64?

    public init(input: Int64? = nil, output: Int64? = nil, cacheRead: Int64? = nil, cacheWrite: Int64? = nil,
                cacheWrite1h: Int64? = nil, reasoning: Int64? = nil, inputAudio: Int64? = nil,
                outputAudio: Int64? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cacheWrite1h = cacheWrite1h
        self.reasoning = reasoning
        self.inputAudio = inputAudio
        self.outputAudio = outputAudio
    }

    public var isEmpty: Bool { self == Rates() }

    /// `self` where it has a rate, `fallback` elsewhere.
    public func over(_ fallback: Rates) -> Rates {
        Rates(input: input ?? fallback.input, output: output ?? fallback.output,
              cacheRead: cacheRead ?? fallback.cacheRead, cacheWrite: cacheWrite ?? fallback.cacheWrite,
              cacheWrite1h: cacheWrite1h ?? fallback.cacheWrite1h, reasoning: reasoning ?? fallback.reasoning,
              inputAudio: inputAudio ?? fallback.inputAudio, outputAudio: outputAudio ?? fallback.outputAudio)
    }

    /// The kinds of per-token rate the price table gives.
    public enum Field: String, Sendable, CaseIterable {
        case input = "input_cost_per_token"
        case output = "output_cost_per_token"
        case cacheRead = "cache_read_input_token_cost"
        case cacheWrite = "cache_creation_input_token_cost"
        case cacheWrite1h = "cache_creation_input_token_cost_above_1hr"
        case reasoning = "output_cost_per_reasoning_token"
        case inputAudio = "input_cost_per_audio_token"
        case outputAudio = "output_cost_per_audio_token"
    }

    public subscript(field: Field) -> Int64? {
        get {
            switch field {
            case .input: input
            case .output: output
            case .cacheRead: cacheRead
            case .cacheWrite: cacheWrite
            case .cacheWrite1h: cacheWrite1h
            case .reasoning: reasoning
            case .inputAudio: inputAudio
            case .outputAudio: outputAudio
            }
        }
        set {
            switch field {
            case .input: input = newValue
            case .output: output = newValue
            case .cacheRead: cacheRead = newValue
            case .cacheWrite: cacheWrite = newValue
            case .cacheWrite1h: cacheWrite1h = newValue
            case .reasoning: reasoning = newValue
            case .inputAudio: inputAudio = newValue
            case .outputAudio: outputAudio = newValue
            }
        }
    }
}
