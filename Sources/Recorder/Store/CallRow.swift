import Foundation
import GRDB
import GRDBSQLite
import Providers

/// Mapping between `CallRecord` and a row of the `calls` table.
enum CallRow {
    static let columns = """
        id, ts, provider, endpoint, requested_model, model, source, tags, stream, status_code, outcome,
        blocked_by, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
        reasoning_tokens, service_tier, cost_pico, cost_input_pico, cost_output_pico, cost_reasoning_pico,
        cost_cache_read_pico, cost_cache_write_pico, cache_savings_pico, latency_ms, ttft_ms, overhead_ms,
        attempts, policy_version, error_message, rules
        """

    static let insertSQL = "INSERT OR REPLACE INTO calls (\(columns)) VALUES (" + Array(repeating: "?", count: 33).joined(separator: ",") + ")"

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
            record.attempts, record.policyVersion, record.errorMessage, encodeRules(record.rules),
        ]
        return StatementArguments(values)
    }

    /// Binds a record straight to the insert statement: no intermediate `DatabaseValue`s,
    /// which is most of the cost of a row at tens of thousands of rows a second.
    static func bind(_ record: CallRecord, to statement: OpaquePointer) {
        let usage = record.usage
        let cost = record.cost
        var index: Int32 = 0
        func text(_ value: String?) {
            index += 1
            guard var value else { sqlite3_bind_null(statement, index); return }
            value.withUTF8 { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    _ = sqlite3_bind_text(statement, index, "", 0, transient)
                    return
                }
                _ = sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                      Int32(bytes.count), transient)
            }
        }
        func int(_ value: Int64?) {
            index += 1
            if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
        }
        func double(_ value: Double?) {
            index += 1
            if let value { sqlite3_bind_double(statement, index, value) } else { sqlite3_bind_null(statement, index) }
        }
        text(record.id); int(record.timestampMicros); text(record.provider); text(record.endpoint)
        text(record.requestedModel); text(record.model); text(record.source); text(encodeTags(record.tags))
        int(record.stream ? 1 : 0); int(Int64(record.statusCode)); text(record.outcome.rawValue); text(record.blockedBy)
        int(usage.inputTokens); int(usage.outputTokens); int(usage.cacheReadTokens); int(usage.cacheWriteTokens)
        int(usage.cacheWrite1hTokens); int(usage.reasoningTokens); text(usage.serviceTier)
        int(cost?.total); int(cost?.input); int(cost?.output); int(cost?.reasoning); int(cost?.cacheRead)
        int(cost?.cacheWrite); int(cost?.cacheSavings); double(record.latencyMs); double(record.ttftMs)
        double(record.overheadMs); int(Int64(record.attempts)); text(record.policyVersion); text(record.errorMessage)
        text(encodeRules(record.rules))
    }

    /// SQLite copies bound text before `bind` returns.
    static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

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
            attempts: row["attempts"], policyVersion: row["policy_version"], errorMessage: row["error_message"],
            rules: decodeRules(row["rules"]))
    }

    static func encodeRules(_ rules: [String]) -> String? {
        rules.isEmpty ? nil : "[" + rules.map(JSONWriter.quoted).joined(separator: ",") + "]"
    }

    static func decodeRules(_ text: String?) -> [String] {
        guard let text, let array = (try? JSONReader.parse(Array(text.utf8)))?.arrayValue else { return [] }
        return array.compactMap(\.stringValue)
    }

    /// Tags are stored as a JSON object so they can be queried with SQLite's JSON functions.
    static func encodeTags(_ tags: [String: String]) -> String? {
        guard !tags.isEmpty else { return nil }
        if tags.count == 1, let (key, value) = tags.first {
            return "{" + JSONWriter.quoted(key) + ":" + JSONWriter.quoted(value) + "}"
        }
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
