import GRDB
import Providers

/// Reads and writes `request_logs`.
extension CallStore {
    public func insert(logs: [RequestLog]) async throws {
        guard !logs.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO request_logs (call_id, ts, method, path, status_code, request_headers, request_body,
                    request_bytes, request_truncated, response_headers, response_body, response_bytes, response_truncated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for log in logs {
                try statement.execute(arguments: [
                    log.callID, log.timestampMicros, log.method, log.path, log.statusCode,
                    Self.encodeHeaders(log.requestHeaders), log.requestBody, log.requestBytes, log.requestTruncated,
                    Self.encodeHeaders(log.responseHeaders), log.responseBody, log.responseBytes, log.responseTruncated,
                ])
            }
        }
    }

    /// The newest logs first, optionally older than the log of call `before`.
    public func requestLogs(limit: Int, before: String? = nil) async throws -> [RequestLog] {
        let limit = min(max(limit, 1), 1_000)
        return try await read { db in
            var sql = "\(Self.logSelect)"
            var arguments: StatementArguments = []
            if let before {
                sql += " WHERE l.call_id < ?"
                arguments += [before]
            }
            sql += " ORDER BY l.call_id DESC LIMIT \(limit)"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.log(from:))
        }
    }

    public func requestLog(callID: String) async throws -> RequestLog? {
        try await read { db in
            try Row.fetchOne(db, sql: "\(Self.logSelect) WHERE l.call_id = ?", arguments: [callID]).map(Self.log(from:))
        }
    }

    public func requestLogCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM request_logs") ?? 0 }
    }

    static let logSelect = """
        SELECT l.*, c.provider AS c_provider, COALESCE(c.model, c.requested_model) AS c_model, c.source AS c_source,
               c.outcome AS c_outcome, c.cost_pico AS c_cost, c.id AS c_id
        FROM request_logs l LEFT JOIN calls c ON c.id = l.call_id
        """

    static func log(from row: Row) -> RequestLog {
        var call: RequestLog.CallSummary?
        if (row["c_id"] as String?) != nil {
            call = RequestLog.CallSummary(provider: row["c_provider"], model: row["c_model"], source: row["c_source"],
                                          outcome: row["c_outcome"], costPico: row["c_cost"])
        }
        return RequestLog(callID: row["call_id"], timestampMicros: row["ts"], method: row["method"], path: row["path"],
                          statusCode: row["status_code"], requestHeaders: decodeHeaders(row["request_headers"]),
                          requestBody: row["request_body"] ?? "", requestBytes: row["request_bytes"],
                          responseHeaders: decodeHeaders(row["response_headers"]), responseBody: row["response_body"] ?? "",
                          responseBytes: row["response_bytes"], requestTruncated: row["request_truncated"],
                          responseTruncated: row["response_truncated"], call: call)
    }

    /// Headers as a JSON array of `[name, value]` pairs: order and repeats survive.
    static func encodeHeaders(_ headers: [RequestLog.Header]) -> String {
        "[" + headers.map { "[" + JSONWriter.quoted($0.name) + "," + JSONWriter.quoted($0.value) + "]" }.joined(separator: ",") + "]"
    }

    static func decodeHeaders(_ text: String?) -> [RequestLog.Header] {
        guard let text, let pairs = (try? JSONReader.parse(Array(text.utf8)))?.arrayValue else { return [] }
        return pairs.compactMap { pair in
            guard let parts = pair.arrayValue, parts.count == 2, let name = parts[0].stringValue, let value = parts[1].stringValue
            else { return nil }
            return RequestLog.Header(name: name, value: value)
        }
    }
}
