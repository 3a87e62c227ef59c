import Foundation
import GRDB
import Providers

/// Mapping between `CallRecord` and a row of the `calls` table.
enum CallRow {
    static let columns = """
        id, ts, provider, endpoint, requested_model, model, source, tags, stream, status_code, outcome,
        blocked_by, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
        reasoning_tokens, service_tier, cost_pico, cost_input_pico, cost_output_pico, cost_reasoning_pico,
        cost_cache_read_pico, cost_cache_write_pico, cache_savings_pico, latency_ms, ttft_ms, overhead_ms,
        attempts, policy_version, error_message
        """

    static let insertSQL = "INSERT OR REPLACE INTO calls (\(columns)) VALUES (" + Array(repeating: "?", count: 32).joined(separator: ",") + ")"

    static func arguments(_ record: CallRecord) -> StatementArguments {
        let usage = record.usage
        let cost = record.cost
        let values: [(any DatabaseValueConvertible)?] = [
            record.id, record.timestampMicros, record.provider, record.endpoint, record.requestedModel,
            record.model, record.source, encodeTags(record.tags), record.stream, record.statusCode,
            record.outcome.rawValue, record.blockedBy, usage.inputTokens, usage.outputTokens,
            usage.cacheReadTokens, usage.cacheWriteTokens, usage.cacheWrite1hTokens, usage.reasoningTokens,
            usage.serviceTier, cost?.total, cost?.input, cost?.output, cost?.reasoning, cost?.cacheRead,
            cost?.cacheWrite, cost?.cacheSavings, record.latencyMs, record.ttftMs, record.overheadMs,
            record.attempts, record.policyVersion, record.errorMessage,
        ]
        return StatementArguments(values)
    }

    static func record(from row: Row) -> CallRecord {
        var usage = Usage(
            inputTokens: row["input_tokens"], outputTokens: row["output_tokens"],
            cacheReadTokens: row["cache_read_tokens"], cacheWriteTokens: row["cache_write_tokens"],
            cacheWrite1hTokens: row["cache_write_1h_tokens"], reasoningTokens: row["reasoning_tokens"])
        usage.serviceTier = row["service_tier"]
        var cost: CostBreakdown?
        if let total: Int64 = row["cost_pico"] {
            cost = CostBreakdown(
                input: row["cost_input_pico"] ?? total, output: row["cost_output_pico"] ?? 0,
                reasoning: row["cost_reasoning_pico"] ?? 0, cacheRead: row["cost_cache_read_pico"] ?? 0,
                cacheWrite: row["cost_cache_write_pico"] ?? 0, cacheSavings: row["cache_savings_pico"] ?? 0)
        }
        return CallRecord(
            id: row["id"], timestampMicros: row["ts"], provider: row["provider"], endpoint: row["endpoint"],
            requestedModel: row["requested_model"], model: row["model"], source: row["source"],
            tags: decodeTags(row["tags"]), stream: row["stream"], statusCode: row["status_code"],
            outcome: Outcome(rawValue: row["outcome"]) ?? .ok, blockedBy: row["blocked_by"], usage: usage,
            cost: cost, latencyMs: row["latency_ms"], ttftMs: row["ttft_ms"], overheadMs: row["overhead_ms"],
            attempts: row["attempts"], policyVersion: row["policy_version"], errorMessage: row["error_message"])
    }

    /// Tags are stored as a JSON object so they can be queried with SQLite's JSON functions.
    static func encodeTags(_ tags: [String: String]) -> String? {
        guard !tags.isEmpty else { return nil }
        let members = tags.sorted { $0.key < $1.key }.map { JSONWriter.quoted($0.key) + ":" + JSONWriter.quoted($0.value) }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func decodeTags(_ text: String?) -> [String: String] {
        guard let text, let object = (try? JSONReader.parse(Array(text.utf8)))?.objectValue else { return [:] }
        var tags: [String: String] = [:]
        for (key, value) in object.entries { tags[key] = value.stringValue }
        return tags
    }
}
