import Foundation
import GRDB

/// A key column of the usage rollup a view can group by.
public enum UsageDimension: String, Sendable, CaseIterable {
    case day, provider, source, model, stream, outcome
    case serviceTier = "service_tier"
    case priced, bracket
}

/// Additive measures of a group of calls (see `RollupColumns.usageMeasures`). Money in
/// picodollars; latency sums in milliseconds.
public struct UsageMeasures: Sendable, Equatable {
    public var calls: Int64 = 0
    public var rateLimited: Int64 = 0
    public var fallbackAttempts: Int64 = 0
    public var inputTokens: Int64 = 0
    public var outputTokens: Int64 = 0
    public var cacheReadTokens: Int64 = 0
    public var cacheWriteTokens: Int64 = 0
    public var cacheWrite1hTokens: Int64 = 0
    public var reasoningTokens: Int64 = 0
    public var costPico: Int64 = 0
    public var costInputPico: Int64 = 0
    public var costOutputPico: Int64 = 0
    public var costReasoningPico: Int64 = 0
    public var costCacheReadPico: Int64 = 0
    public var costCacheWritePico: Int64 = 0
    public var cacheSavingsPico: Int64 = 0
    public var latencyMs: Double = 0
    public var ttftMs: Double = 0
    public var ttftCalls: Int64 = 0
    public var overheadMs: Double = 0
    /// Calls with a prompt analysis (heatmap and waste); the section sums cover only them.
    public var analysedCalls: Int64 = 0
    public var heatSystem: Int64 = 0
    public var heatTools: Int64 = 0
    public var heatContext: Int64 = 0
    public var heatHistory: Int64 = 0
    public var heatQuery: Int64 = 0
    public var wasteWhitespace: Int64 = 0
    public var wasteFiller: Int64 = 0
    public var wasteRepeated: Int64 = 0
    public var emptyMessages: Int64 = 0
    public var messageCount: Int64 = 0
    /// Successful calls whose system prompt and tools (≥ 1,024 tokens) read nothing from cache.
    public var uncachedSystemCalls: Int64 = 0
    public var uncachedSystemTokens: Int64 = 0
    /// Calls that set an output cap, the caps' sum, and the output of those calls.
    public var cappedCalls: Int64 = 0
    public var capTokens: Int64 = 0
    public var cappedOutputTokens: Int64 = 0
    /// Capped calls that used under 10% of their cap, and calls that hit it.
    public var capLowUseCalls: Int64 = 0
    public var capHitCalls: Int64 = 0
    /// Calls with a prompt above 32k tokens, and their tokens above 32k.
    public var largePromptCalls: Int64 = 0
    public var largePromptExcess: Int64 = 0
    /// Calls of 20 s or more, and answers of 1,000 tokens or more.
    public var slowCalls: Int64 = 0
    public var longOutputCalls: Int64 = 0

    public init() {}

    public static func + (lhs: UsageMeasures, rhs: UsageMeasures) -> UsageMeasures {
        var sum = lhs
        sum += rhs
        return sum
    }

    /// Adds the measures of a disjoint group of calls.
    public static func += (lhs: inout UsageMeasures, rhs: UsageMeasures) { lhs.add(rhs) }

    mutating func add(_ other: UsageMeasures) {
        calls += other.calls
        rateLimited += other.rateLimited
        fallbackAttempts += other.fallbackAttempts
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cacheReadTokens += other.cacheReadTokens
        cacheWriteTokens += other.cacheWriteTokens
        cacheWrite1hTokens += other.cacheWrite1hTokens
        reasoningTokens += other.reasoningTokens
        costPico += other.costPico
        costInputPico += other.costInputPico
        costOutputPico += other.costOutputPico
        costReasoningPico += other.costReasoningPico
        costCacheReadPico += other.costCacheReadPico
        costCacheWritePico += other.costCacheWritePico
        cacheSavingsPico += other.cacheSavingsPico
        latencyMs += other.latencyMs
        ttftMs += other.ttftMs
        ttftCalls += other.ttftCalls
        overheadMs += other.overheadMs
        analysedCalls += other.analysedCalls
        heatSystem += other.heatSystem
        heatTools += other.heatTools
        heatContext += other.heatContext
        heatHistory += other.heatHistory
        heatQuery += other.heatQuery
        wasteWhitespace += other.wasteWhitespace
        wasteFiller += other.wasteFiller
        wasteRepeated += other.wasteRepeated
        emptyMessages += other.emptyMessages
        messageCount += other.messageCount
        uncachedSystemCalls += other.uncachedSystemCalls
        uncachedSystemTokens += other.uncachedSystemTokens
        cappedCalls += other.cappedCalls
        capTokens += other.capTokens
        cappedOutputTokens += other.cappedOutputTokens
        capLowUseCalls += other.capLowUseCalls
        capHitCalls += other.capHitCalls
        largePromptCalls += other.largePromptCalls
        largePromptExcess += other.largePromptExcess
        slowCalls += other.slowCalls
        longOutputCalls += other.longOutputCalls
    }

    /// Column positions of the measures in a usage view's rows, after its key columns: the
    /// order of `RollupTable.usage.measures`. Reading by position skips a name search per value.
    static let positions: [String: Int] = Dictionary(uniqueKeysWithValues: RollupTable.usage.measures.enumerated().map { ($1.name, $0) })

    /// The measures of a usage view's row whose first `offset` columns are its keys.
    init(row: Row, offset: Int) {
        func value<Value: DatabaseValueConvertible>(_ name: String) -> Value? {
            Self.positions[name].flatMap { row[offset + $0] }
        }
        calls = value("calls") ?? 0
        rateLimited = value("rate_limited") ?? 0
        fallbackAttempts = value("fallback_attempts") ?? 0
        inputTokens = value("input_tokens") ?? 0
        outputTokens = value("output_tokens") ?? 0
        cacheReadTokens = value("cache_read_tokens") ?? 0
        cacheWriteTokens = value("cache_write_tokens") ?? 0
        cacheWrite1hTokens = value("cache_write_1h_tokens") ?? 0
        reasoningTokens = value("reasoning_tokens") ?? 0
        costPico = value("cost_pico") ?? 0
        costInputPico = value("cost_input_pico") ?? 0
        costOutputPico = value("cost_output_pico") ?? 0
        costReasoningPico = value("cost_reasoning_pico") ?? 0
        costCacheReadPico = value("cost_cache_read_pico") ?? 0
        costCacheWritePico = value("cost_cache_write_pico") ?? 0
        cacheSavingsPico = value("cache_savings_pico") ?? 0
        latencyMs = value("latency_ms") ?? 0
        ttftMs = value("ttft_ms") ?? 0
        ttftCalls = value("ttft_calls") ?? 0
        overheadMs = value("overhead_ms") ?? 0
        analysedCalls = value("analysed_calls") ?? 0
        heatSystem = value("heat_system") ?? 0
        heatTools = value("heat_tools") ?? 0
        heatContext = value("heat_context") ?? 0
        heatHistory = value("heat_history") ?? 0
        heatQuery = value("heat_query") ?? 0
        wasteWhitespace = value("waste_whitespace") ?? 0
        wasteFiller = value("waste_filler") ?? 0
        wasteRepeated = value("waste_repeated") ?? 0
        emptyMessages = value("empty_messages") ?? 0
        messageCount = value("message_count") ?? 0
        uncachedSystemCalls = value("uncached_system_calls") ?? 0
        uncachedSystemTokens = value("uncached_system_tokens") ?? 0
        cappedCalls = value("capped_calls") ?? 0
        capTokens = value("cap_tokens") ?? 0
        cappedOutputTokens = value("capped_output_tokens") ?? 0
        capLowUseCalls = value("cap_low_use_calls") ?? 0
        capHitCalls = value("cap_hit_calls") ?? 0
        largePromptCalls = value("large_prompt_calls") ?? 0
        largePromptExcess = value("large_prompt_excess") ?? 0
        slowCalls = value("slow_calls") ?? 0
        longOutputCalls = value("long_output_calls") ?? 0
    }

}

/// One group of a usage view: the key columns it was grouped by (nil where not grouped, or
/// where the calls had no value) and its measures.
public struct UsageSlice: Sendable, Equatable {
    public var day: Int64?
    public var provider: String?
    public var source: String?
    public var model: String?
    public var stream: Bool?
    public var outcome: String?
    public var serviceTier: String?
    public var priced: Bool?
    public var bracket: Int?
    public var measures: UsageMeasures

    public init(measures: UsageMeasures = UsageMeasures()) {
        self.measures = measures
    }

    /// The day as `YYYY-MM-DD`.
    public var date: String? { day.map { TimeWindow.dayLabel(micros: $0 * CallStore.microsPerDay) } }
}

/// A condition on the key columns of a usage view, e.g. only successful calls of some models.
public struct UsageFilter: Sendable {
    var sql: String
    var arguments: [String]

    /// Calls whose (model) is one of `models`.
    public static func models(_ models: [String]) -> UsageFilter {
        UsageFilter(sql: "model IN (" + models.map { _ in "?" }.joined(separator: ",") + ")", arguments: models)
    }

    public static let reachedProvider = UsageFilter(sql: "outcome != 'blocked'", arguments: [])
    public static let succeeded = UsageFilter(sql: "outcome IN ('ok', 'guardrail_warned')", arguments: [])

    public func and(_ other: UsageFilter) -> UsageFilter {
        UsageFilter(sql: "(\(sql)) AND (\(other.sql))", arguments: arguments + other.arguments)
    }
}

/// One group of the complexity rollup: successful analysed calls of a source and model at one
/// complexity score, with what they used and cost.
public struct ComplexitySlice: Sendable, Equatable {
    public var provider: String
    public var source: String
    public var model: String?
    public var serviceTier: String?
    public var priced: Bool
    public var bracket: Int
    public var complexity: Int
    public var calls: Int64
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var cacheReadTokens: Int64
    public var cacheWriteTokens: Int64
    public var cacheWrite1hTokens: Int64
    public var reasoningTokens: Int64
    public var costPico: Int64
}

/// Tagged calls with one set of tags (stored as a JSON object), with their tokens and cost.
public struct TagSlice: Sendable, Equatable {
    public var tags: String
    public var calls: Int64
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var cacheReadTokens: Int64
    public var cacheWriteTokens: Int64
    public var reasoningTokens: Int64
    public var costPico: Int64
}

extension CallStore {
    /// Usage of `window` grouped by `dimensions`: rolled-up days and hours plus the calls of
    /// the current hour, summed. Builds missing rollups first.
    public func usage(in window: TimeWindow, by dimensions: [UsageDimension], filter: UsageFilter? = nil,
                      plan: RollupPlan, now: Date = Date()) async throws -> [UsageSlice] {
        let span = RollupSpan(window, now: now)
        try await ensureRollups(span, plan: plan)
        let groups = dimensions.map(\.rawValue)
        let selectKeys = groups.isEmpty ? "" : groups.joined(separator: ", ") + ", "
        let sums = RollupTable.usage.measures.map { "SUM(\($0.name)) AS \($0.name)" }.joined(separator: ", ")
        var select = "SELECT \(selectKeys)\(sums) FROM u"
        if let filter { select += " WHERE \(filter.sql)" }
        if !groups.isEmpty { select += " GROUP BY " + groups.joined(separator: ", ") }
        let wanted = Set(dimensions)
        let parts = try await rollupQuery(.usage, span: span, plan: plan, select: select, arguments: filter?.arguments ?? []) { row -> UsageSlice? in
            var slice = UsageSlice(measures: UsageMeasures(row: row, offset: groups.count))
            // An empty view still yields one row of NULL sums; it has no calls.
            guard slice.measures.calls > 0 else { return nil }
            if wanted.contains(.day) { slice.day = row["day"] }
            if wanted.contains(.provider) { slice.provider = row["provider"] }
            if wanted.contains(.source) { slice.source = row["source"] }
            if wanted.contains(.model) { slice.model = row["model"] }
            if wanted.contains(.stream) { slice.stream = (row["stream"] as Int64?).map { $0 != 0 } }
            if wanted.contains(.outcome) { slice.outcome = row["outcome"] }
            if wanted.contains(.serviceTier) { slice.serviceTier = row["service_tier"] }
            if wanted.contains(.priced) { slice.priced = (row["priced"] as Int64?).map { $0 != 0 } }
            if wanted.contains(.bracket) { slice.bracket = (row["bracket"] as Int64?).map { Int($0) } }
            return slice
        }
        return UsageSlice.merged(parts)
    }

    /// Tagged calls of `window` per set of tags.
    public func tagged(in window: TimeWindow, plan: RollupPlan, now: Date = Date()) async throws -> [TagSlice] {
        let span = RollupSpan(window, now: now)
        try await ensureRollups(span, plan: plan)
        let sums = RollupTable.tags.measures.map { "SUM(\($0.name)) AS \($0.name)" }.joined(separator: ", ")
        let parts = try await rollupQuery(.tags, span: span, plan: plan, select: "SELECT tags, \(sums) FROM u GROUP BY tags") { row -> TagSlice? in
            TagSlice(tags: row["tags"], calls: row["calls"] ?? 0, inputTokens: row["input_tokens"] ?? 0,
                     outputTokens: row["output_tokens"] ?? 0, cacheReadTokens: row["cache_read_tokens"] ?? 0,
                     cacheWriteTokens: row["cache_write_tokens"] ?? 0, reasoningTokens: row["reasoning_tokens"] ?? 0,
                     costPico: row["cost_pico"] ?? 0)
        }
        var merged: [String: TagSlice] = [:]
        var order: [String] = []
        for part in parts {
            guard var slice = merged[part.tags] else { merged[part.tags] = part; order.append(part.tags); continue }
            slice.calls += part.calls
            slice.inputTokens += part.inputTokens
            slice.outputTokens += part.outputTokens
            slice.cacheReadTokens += part.cacheReadTokens
            slice.cacheWriteTokens += part.cacheWriteTokens
            slice.reasoningTokens += part.reasoningTokens
            slice.costPico += part.costPico
            merged[part.tags] = slice
        }
        return order.compactMap { merged[$0] }
    }

    /// Successful analysed calls of `window` by source, model, service tier, prompt bracket and
    /// complexity score (for right-sizing).
    public func complexity(in window: TimeWindow, plan: RollupPlan, now: Date = Date()) async throws -> [ComplexitySlice] {
        let span = RollupSpan(window, now: now)
        try await ensureRollups(span, plan: plan)
        let groups = "provider, source, model, service_tier, priced, bracket, complexity"
        let sums = RollupTable.complexity.measures.map { "SUM(\($0.name)) AS \($0.name)" }.joined(separator: ", ")
        let parts = try await rollupQuery(.complexity, span: span, plan: plan,
                                          select: "SELECT \(groups), \(sums) FROM u GROUP BY \(groups)") { row -> ComplexitySlice? in
            ComplexitySlice(
                provider: row["provider"], source: row["source"], model: row["model"],
                serviceTier: row["service_tier"], priced: (row["priced"] as Int64? ?? 0) != 0,
                bracket: Int(row["bracket"] as Int64? ?? 0), complexity: Int(row["complexity"] as Int64? ?? 0),
                calls: row["calls"] ?? 0, inputTokens: row["input_tokens"] ?? 0,
                outputTokens: row["output_tokens"] ?? 0, cacheReadTokens: row["cache_read_tokens"] ?? 0,
                cacheWriteTokens: row["cache_write_tokens"] ?? 0,
                cacheWrite1hTokens: row["cache_write_1h_tokens"] ?? 0,
                reasoningTokens: row["reasoning_tokens"] ?? 0, costPico: row["cost_pico"] ?? 0)
        }
        var merged: [ComplexitySlice.Key: ComplexitySlice] = [:]
        var order: [ComplexitySlice.Key] = []
        for part in parts {
            guard var slice = merged[part.key] else { merged[part.key] = part; order.append(part.key); continue }
            slice.calls += part.calls
            slice.inputTokens += part.inputTokens
            slice.outputTokens += part.outputTokens
            slice.cacheReadTokens += part.cacheReadTokens
            slice.cacheWriteTokens += part.cacheWriteTokens
            slice.cacheWrite1hTokens += part.cacheWrite1hTokens
            slice.reasoningTokens += part.reasoningTokens
            slice.costPico += part.costPico
            merged[part.key] = slice
        }
        return order.compactMap { merged[$0] }
    }
}

extension UsageSlice {
    struct Key: Hashable {
        var day: Int64?, provider: String?, source: String?, model: String?, stream: Bool?
        var outcome: String?, serviceTier: String?, priced: Bool?, bracket: Int?
    }

    var key: Key {
        Key(day: day, provider: provider, source: source, model: model, stream: stream, outcome: outcome,
            serviceTier: serviceTier, priced: priced, bracket: bracket)
    }

    /// Slices of the same group (from completed days and from the rest of a window) added up,
    /// in the order each group first appears.
    static func merged(_ parts: [UsageSlice]) -> [UsageSlice] {
        var merged: [Key: UsageSlice] = [:]
        var order: [Key] = []
        for part in parts {
            let key = part.key
            if var slice = merged[key] {
                slice.measures.add(part.measures)
                merged[key] = slice
            } else {
                merged[key] = part
                order.append(key)
            }
        }
        return order.compactMap { merged[$0] }
    }
}

extension ComplexitySlice {
    struct Key: Hashable {
        var provider: String, source: String, model: String?, serviceTier: String?, priced: Bool, bracket: Int, complexity: Int
    }

    var key: Key {
        Key(provider: provider, source: source, model: model, serviceTier: serviceTier, priced: priced, bracket: bracket,
            complexity: complexity)
    }
}
