import Providers

/// The JSON shape of a recorded call (items of `/api/usage/recent`, `/api/live` events,
/// JSON exports), with the fields and names the contract pins.
enum CallRecordJSON {
    static func write(_ record: CallRecord, into json: inout JSONText) {
        let usage = record.usage
        json.beginObject()
        json.field("id", record.id)
        json.field("ts", Timestamps.rfc3339(micros: record.timestampMicros))
        json.field("provider", record.provider)
        json.field("endpoint", record.endpoint)
        json.field("requested_model", record.requestedModel)
        json.field("model", record.model)
        json.field("source", record.source)
        json.key("tags")
        json.beginObject()
        for (key, value) in record.tags.sorted(by: { $0.key < $1.key }) { json.field(key, value) }
        json.endObject()
        json.field("stream", record.stream)
        json.field("status_code", record.statusCode)
        json.field("outcome", record.outcome.rawValue)
        json.field("blocked_by", record.blockedBy)
        json.field("input_tokens", usage.inputTokens)
        json.field("output_tokens", usage.outputTokens)
        json.field("cache_read_tokens", usage.cacheReadTokens)
        json.field("cache_write_tokens", usage.cacheWriteTokens)
        json.field("cache_write_1h_tokens", usage.cacheWrite1hTokens)
        json.field("reasoning_tokens", usage.reasoningTokens)
        json.field("cost_usd", usd: record.costPicodollars)
        json.field("priced", record.priced)
        json.field("cache_savings_usd", usd: record.cost?.cacheSavings)
        json.field("service_tier", usage.serviceTier)
        json.field("latency_ms", ms: record.latencyMs)
        json.field("ttft_ms", ms: record.ttftMs)
        json.field("overhead_ms", ms: record.overheadMs)
        json.field("attempts", record.attempts)
        json.field("policy_version", record.policyVersion)
        json.field("error", record.errorMessage)
        json.key("rules")
        json.beginArray()
        for rule in record.rules { json.string(rule) }
        json.endArray()
        json.key("findings")
        json.beginArray()
        for finding in record.findings { json.string(finding) }
        json.endArray()
        json.field("max_output_tokens", record.maxOutputTokens)
        json.field("session_id", record.sessionID)
        json.field("ingested", record.ingested)
        json.key("analysis")
        if let analysis = record.analysis {
            json.beginObject()
            json.key("heatmap")
            json.beginObject()
            json.field("system", analysis.systemTokens)
            json.field("tools", analysis.toolTokens)
            json.field("context", analysis.contextTokens)
            json.field("history", analysis.historyTokens)
            json.field("query", analysis.queryTokens)
            json.endObject()
            json.key("waste")
            json.beginObject()
            json.field("whitespace", analysis.whitespaceWasteTokens)
            json.field("filler", analysis.fillerWasteTokens)
            json.field("repeated", analysis.repeatedWasteTokens)
            json.field("empty_messages", analysis.emptyMessages)
            json.field("total", analysis.wasteTokens)
            json.endObject()
            json.field("messages", analysis.messageCount)
            json.field("complexity", analysis.complexity)
            json.field("exact_tokens", analysis.exactTokens)
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
    }

    static func string(_ record: CallRecord) -> String {
        var json = JSONText(capacity: 768)
        write(record, into: &json)
        return json.text
    }

    /// The `/api/live` event for a recorded call.
    static func liveEvent(_ record: CallRecord) -> String {
        var json = JSONText(capacity: 800)
        json.beginObject()
        json.field("type", "call")
        json.key("call")
        write(record, into: &json)
        json.endObject()
        return json.text
    }

    static let csvColumns = [
        "id", "ts", "provider", "endpoint", "requested_model", "model", "source", "tags", "stream", "status_code",
        "outcome", "blocked_by", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
        "reasoning_tokens", "cost_usd", "priced", "latency_ms", "ttft_ms", "overhead_ms", "attempts", "policy_version",
    ]

    static func csvRow(_ record: CallRecord) -> String {
        let usage = record.usage
        let tags = record.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let fields: [String] = [
            record.id, Timestamps.rfc3339(micros: record.timestampMicros), record.provider, record.endpoint,
            record.requestedModel ?? "", record.model ?? "", record.source, tags, record.stream ? "true" : "false",
            String(record.statusCode), record.outcome.rawValue, record.blockedBy ?? "", String(usage.inputTokens),
            String(usage.outputTokens), String(usage.cacheReadTokens), String(usage.cacheWriteTokens),
            String(usage.reasoningTokens), record.costUSD.map { JSONText.format($0) } ?? "",
            record.priced ? "true" : "false", JSONText.formatMs(record.latencyMs),
            record.ttftMs.map(JSONText.formatMs) ?? "", JSONText.formatMs(record.overheadMs),
            String(record.attempts), record.policyVersion,
        ]
        return fields.map(csvEscape).joined(separator: ",") + "\r\n"
    }

    /// RFC 4180 quoting, plus a leading `'` for cells a spreadsheet would run as a formula.
    static func csvEscape(_ field: String) -> String {
        var value = field
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
