/// Runs every recommendation check over a window's usage and returns the findings, largest
/// monthly saving first. Each check is silent unless its data shows the problem; savings of
/// different checks may overlap (a call can be both oversized and uncached).
public struct RecommendationEngine: Sendable {
    public var thresholds: RecommendationThresholds

    public init(thresholds: RecommendationThresholds = RecommendationThresholds()) {
        self.thresholds = thresholds
    }

    typealias Check = @Sendable (RecommendationInput, RecommendationThresholds) -> [Recommendation]

    static let checks: [(Recommendation.Check, Check)] = [
        (.cacheUtilization, CacheChecks.cacheUtilization),
        (.uncachedSystemPrompt, CacheChecks.uncachedSystemPrompt),
        (.cacheBreaks, CacheChecks.cacheBreaks),
        (.rightSizing, ModelChecks.rightSizing),
        (.unpricedModels, ModelChecks.unpricedModels),
        (.reasoningOverhead, ModelChecks.reasoningOverhead),
        (.promptSize, PromptChecks.promptSize),
        (.waste, PromptChecks.waste),
        (.historyBloat, PromptChecks.historyBloat),
        (.outputUtilization, PromptChecks.outputUtilization),
        (.retryLoops, ReliabilityChecks.retryLoops),
        (.duplicateRequests, ReliabilityChecks.duplicateRequests),
        (.errorRate, ReliabilityChecks.errorRate),
        (.streaming, ReliabilityChecks.streaming),
    ]

    /// The names of the checks, in the order they run.
    public static var checkNames: [String] { checks.map(\.0.rawValue) }

    public func recommend(_ input: RecommendationInput) -> [Recommendation] {
        Self.checks.flatMap { $0.1(input, thresholds) }.sorted {
            ($0.monthlySavingPico, $0.severity, $1.check.rawValue) > ($1.monthlySavingPico, $1.severity, $0.check.rawValue)
        }
    }
}
