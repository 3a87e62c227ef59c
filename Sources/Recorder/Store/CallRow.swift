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
        attempts, policy_version, error_message, rules, max_output_tokens, session_id, fingerprint, findings,
        ingested, heat_system, heat_tools, heat_context, heat_history, heat_query, waste_whitespace, waste_filler,
        waste_repeated, empty_messages, message_count, complexity, exact_tokens
        """

    static let insertSQL = "INSERT OR REPLACE INTO calls (\(columns)) VALUES (" + Array(repeating: "?", count: 50).joined(separator: ",") + ")"

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
            record.maxOutputTokens, record.sessionID, record.fingerprint, encodeRules(record.findings), record.ingested,
            record.analysis?.systemTokens, record.analysis?.toolTokens, record.analysis?.contextTokens,
            record.analysis?.historyTokens, record.analysis?.queryTokens, record.analysis?.whitespaceWasteTokens,
            record.analysis?.fillerWasteTokens, record.analysis?.repeatedWasteTokens, record.analysis?.emptyMessages,
            record.analysis?.messageCount, record.analysis?.complexity, record.analysis.map { $0.exactTokens },
        ]
        return StatementArguments(values)
    }

    /// A row's text values, one after another, kept for the step that reads them.
    struct TextBuffer {
        var bytes: [UInt8] = []
        var values: [(parameter: Int32, start: Int, count: Int)] = []
    }

    /// Binds a record straight to the insert statement and runs it: no intermediate
    /// `DatabaseValue`s, which were most of the cost of a row at tens of thousands of rows a
    /// second. Text goes into `texts` and is bound from there without a copy (SQLite would
    /// otherwise allocate and copy each of a row's strings); the bindings point into it until
    /// the statement is reset and bound again, which the caller does before `texts` changes.
    static func insert(_ record: CallRecord, with statement: OpaquePointer, texts: inout TextBuffer) -> Int32 {
        texts.bytes.removeAll(keepingCapacity: true)
        texts.values.removeAll(keepingCapacity: true)
        let usage = record.usage
        let cost = record.cost
        var index: Int32 = 0
        func text(_ value: String?) {
            index += 1
            guard let value else { sqlite3_bind_null(statement, index); return }
            let start = texts.bytes.count
            texts.bytes.append(contentsOf: value.utf8)
            texts.values.append((index, start, texts.bytes.count - start))
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
        let analysis = record.analysis
        int(record.maxOutputTokens); text(record.sessionID); text(record.fingerprint); text(encodeRules(record.findings))
        int(record.ingested ? 1 : 0); int(analysis?.systemTokens); int(analysis?.toolTokens); int(analysis?.contextTokens)
        int(analysis?.historyTokens); int(analysis?.queryTokens); int(analysis?.whitespaceWasteTokens)
        int(analysis?.fillerWasteTokens); int(analysis?.repeatedWasteTokens); int(analysis?.emptyMessages)
        int(analysis?.messageCount); int(analysis?.complexity); int(analysis.map { $0.exactTokens ? 1 : 0 })
        return texts.bytes.withUnsafeBytes { bytes -> Int32 in
            for value in texts.values {
                // An empty string still binds as text (not NULL): any valid pointer will do.
                let pointer = value.count == 0 ? emptyText : bytes.baseAddress!.advanced(by: value.start)
                sqlite3_bind_text(statement, value.parameter, pointer.assumingMemoryBound(to: CChar.self), Int32(value.count), nil)
            }
            return sqlite3_step(statement)
        }
    }

    /// A valid address for empty text.
    private static var emptyText: UnsafeRawPointer { UnsafeRawPointer(("" as StaticString).utf8Start) }

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
        var record = CallRecord(
            id: row["id"], timestampMicros: row["ts"], provider: row["provider"], endpoint: row["endpoint"],
            requestedModel: row["requested_model"], model: row["model"], source: row["source"],
            tags: decodeTags(row["tags"]), stream: row["stream"], statusCode: row["status_code"],
            outcome: Outcome(rawValue: row["outcome"]) ?? .ok, blockedBy: row["blocked_by"], usage: usage,
            cost: cost, latencyMs: row["latency_ms"], ttftMs: row["ttft_ms"], overheadMs: row["overhead_ms"],
            attempts: row["attempts"], policyVersion: row["policy_version"], errorMessage: row["error_message"],
            rules: decodeRules(row["rules"]))
        record.maxOutputTokens = row["max_output_tokens"]
        record.sessionID = row["session_id"]
        record.fingerprint = row["fingerprint"]
        record.findings = decodeRules(row["findings"])
        record.ingested = (row["ingested"] as Int64?) == 1
        if let system: Int64 = row["heat_system"] {
            var analysis = RequestAnalysis()
            analysis.systemTokens = system
            analysis.toolTokens = row["heat_tools"] ?? 0
            analysis.contextTokens = row["heat_context"] ?? 0
            analysis.historyTokens = row["heat_history"] ?? 0
            analysis.queryTokens = row["heat_query"] ?? 0
            analysis.whitespaceWasteTokens = row["waste_whitespace"] ?? 0
            analysis.fillerWasteTokens = row["waste_filler"] ?? 0
            analysis.repeatedWasteTokens = row["waste_repeated"] ?? 0
            analysis.emptyMessages = row["empty_messages"] ?? 0
            analysis.messageCount = row["message_count"] ?? 0
            analysis.complexity = row["complexity"] ?? 0
            analysis.exactTokens = (row["exact_tokens"] as Int64?) == 1
            record.analysis = analysis
        }
        return record
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
