import GRDB

/// What makes a call an example of a finding, as a condition on its row.
public enum ExampleCondition: Sendable, Equatable {
    case cacheWrites
    case uncachedSystemPrompt
    case largePrompt
    case waste
    case historyHeavy
    case lowOutputUse
    case failed
    case slowWithoutStreaming
    case unpriced
    case reasoningHeavy
    case complexityAtMost(Int)
    case any

    var sql: String {
        let prompt = "(input_tokens + cache_read_tokens + cache_write_tokens)"
        let sections = "(heat_system + heat_tools + heat_context + heat_history + heat_query)"
        switch self {
        case .cacheWrites: return "cache_write_tokens > 0"
        case .uncachedSystemPrompt:
            return "heat_system + heat_tools >= \(RollupPlan.cacheableSystem) AND cache_read_tokens = 0"
        case .largePrompt: return "\(prompt) > \(RollupPlan.largePrompt)"
        case .waste: return "waste_whitespace + waste_filler + waste_repeated > 0"
        case .historyHeavy: return "heat_history * 10 > \(sections) * 6"
        case .lowOutputUse: return "max_output_tokens > 0 AND output_tokens * 10 < max_output_tokens"
        case .failed: return "outcome = 'upstream_error'"
        case .slowWithoutStreaming: return "stream = 0 AND latency_ms >= \(RollupPlan.slowMs)"
        case .unpriced: return "cost_pico IS NULL AND input_tokens + output_tokens > 0"
        case .reasoningHeavy: return "output_tokens > 0 AND reasoning_tokens * 10 >= output_tokens * 7"
        case .complexityAtMost(let score): return "complexity <= \(score)"
        case .any: return "1"
        }
    }
}

extension CallStore {
    /// How many of the newest calls (of the source, when given) an example search looks at:
    /// examples are recent calls, and the bound keeps a rare condition from scanning a month.
    static let exampleScanLimit = 5_000

    /// The newest calls of the window matching `condition` (and the source and model, when
    /// given), among the newest `exampleScanLimit` calls: the example call ids a finding shows.
    /// The bound is found in the `(source, ts)` or `ts` index alone; the search then reads calls
    /// newest first only until it has `limit` of them.
    public func exampleCalls(in window: TimeWindow, source: String?, model: String?, condition: ExampleCondition,
                             limit: Int = 3) async throws -> [String] {
        let scope = source == nil ? "" : " AND source = ?"
        let boundSQL = "SELECT ts FROM calls WHERE ts >= ? AND ts < ?\(scope) ORDER BY ts DESC LIMIT 1 OFFSET \(Self.exampleScanLimit - 1)"
        var sql = "SELECT id FROM calls WHERE ts >= ? AND ts < ?\(scope) AND instr(id, '.') = 0 AND \(condition.sql)"
        if model != nil { sql += " AND COALESCE(model, requested_model) = ?" }
        sql += " ORDER BY ts DESC LIMIT \(max(1, min(limit, 50)))"
        let query = sql
        return try await read { db in
            func arguments(from start: Int64, model: String?) -> StatementArguments {
                var values: [(any DatabaseValueConvertible)?] = [start, window.endMicros]
                if let source { values.append(source) }
                if let model { values.append(model) }
                return StatementArguments(values)
            }
            let bound = try Int64.fetchOne(db, sql: boundSQL, arguments: arguments(from: window.startMicros, model: nil))
            return try String.fetchAll(db, sql: query, arguments: arguments(from: max(window.startMicros, bound ?? 0), model: model))
        }
    }
}
