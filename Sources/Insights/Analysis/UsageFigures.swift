import Recorder

/// Additive usage measures of a group of calls, as the rollups keep them (see
/// `UsageMeasures`): the analyses read them under this name.
public typealias UsageFigures = UsageMeasures

/// Figures derived from the measures.
extension UsageMeasures {
    public var promptTokens: Int64 { inputTokens + cacheReadTokens + cacheWriteTokens }
    public var totalTokens: Int64 { promptTokens + outputTokens }
    public var heatTotal: Int64 { heatSystem + heatTools + heatContext + heatHistory + heatQuery }
    public var wasteTokens: Int64 { wasteWhitespace + wasteFiller + wasteRepeated }
    public var promptCostPico: Int64 { costInputPico + costCacheReadPico + costCacheWritePico }

    /// Share of prompt tokens served from cache.
    public var cacheHitRate: Double {
        promptTokens == 0 ? 0 : Double(cacheReadTokens) / Double(promptTokens)
    }

    /// What a prompt token cost on average in this group (picodollars), cached or not.
    public var promptRatePico: Double {
        promptTokens == 0 ? 0 : Double(promptCostPico) / Double(promptTokens)
    }
}
