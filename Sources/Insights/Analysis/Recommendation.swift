/// One finding of the recommendation engine: what to change, where, what it would save a
/// month (picodollars; 0 where the fix brings no direct saving but bounds risk or latency),
/// and the numbers and calls that show it.
public struct Recommendation: Sendable, Equatable {
    public enum Check: String, Sendable, CaseIterable {
        case cacheUtilization = "cache_utilization"
        case uncachedSystemPrompt = "uncached_system_prompt"
        case cacheBreaks = "cache_breaks"
        case rightSizing = "right_sizing"
        case unpricedModels = "unpriced_models"
        case reasoningOverhead = "reasoning_overhead"
        case promptSize = "prompt_size"
        case waste
        case historyBloat = "history_bloat"
        case outputUtilization = "output_utilization"
        case retryLoops = "retry_loops"
        case duplicateRequests = "duplicate_requests"
        case errorRate = "error_rate"
        case streaming
    }

    public enum Severity: String, Sendable, Comparable {
        case info, low, medium, high

        var rank: Int { [.info: 0, .low: 1, .medium: 2, .high: 3][self] ?? 0 }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

        /// High from $50 a month, medium from $5, low below; info without a saving.
        public static func of(monthlySavingPico: Int64) -> Severity {
            if monthlySavingPico >= 50_000_000_000_000 { return .high }
            if monthlySavingPico >= 5_000_000_000_000 { return .medium }
            return monthlySavingPico > 0 ? .low : .info
        }
    }

    public var check: Check
    public var severity: Severity
    public var title: String
    public var detail: String
    public var source: String?
    public var provider: String?
    public var model: String?
    /// What the window's calls would have saved.
    public var windowSavingPico: Int64
    /// The window's saving scaled to 30 days.
    public var monthlySavingPico: Int64
    public var figures: [EvidenceFigure]
    /// Calls that show the finding (filled from the patterns, or looked up afterwards).
    public var callIDs: [String]
    /// A model to switch to, where the finding names one.
    public var suggestedModel: String?

    public init(check: Check, title: String, detail: String, source: String? = nil, provider: String? = nil,
                model: String? = nil, windowSavingPico: Int64, monthlySavingPico: Int64,
                figures: [EvidenceFigure], callIDs: [String] = [], suggestedModel: String? = nil) {
        self.check = check
        self.severity = Severity.of(monthlySavingPico: monthlySavingPico)
        self.title = title
        self.detail = detail
        self.source = source
        self.provider = provider
        self.model = model
        self.windowSavingPico = windowSavingPico
        self.monthlySavingPico = monthlySavingPico
        self.figures = figures
        self.callIDs = callIDs
        self.suggestedModel = suggestedModel
    }
}
