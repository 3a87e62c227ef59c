import GRDB
import Providers

/// Reads and writes `webhook_deliveries`.
extension CallStore {
    public func save(delivery: WebhookDelivery) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO webhook_deliveries (id, event, url, created_at, status, attempts, last_status_code,
                    last_error, completed_at, next_attempt_at, payload, attempt_log)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    delivery.id, delivery.event, delivery.target, delivery.createdAtMicros, delivery.status.rawValue,
                    delivery.attempts.count, delivery.lastStatusCode, delivery.lastError, delivery.completedAtMicros,
                    delivery.nextAttemptAtMicros, delivery.payload, Self.encodeAttempts(delivery.attempts),
                ])
        }
    }

    /// Newest first, optionally only one event or status.
    public func deliveries(limit: Int, event: String? = nil, status: WebhookDelivery.Status? = nil) async throws -> [WebhookDelivery] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let event { conditions.append("event = ?"); arguments += [event] }
        if let status { conditions.append("status = ?"); arguments += [status.rawValue] }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT * FROM webhook_deliveries \(whereClause) ORDER BY id DESC LIMIT \(min(max(limit, 1), 1_000))"
        let query = arguments
        return try await read { db in try Row.fetchAll(db, sql: sql, arguments: query).map(Self.delivery(from:)) }
    }

    public func delivery(id: String) async throws -> WebhookDelivery? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhook_deliveries WHERE id = ?", arguments: [id]).map(Self.delivery(from:))
        }
    }

    /// Deliveries still waiting, oldest first (resumed at start-up).
    public func pendingDeliveries() async throws -> [WebhookDelivery] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_deliveries WHERE status = 'pending' ORDER BY id")
                .map(Self.delivery(from:))
        }
    }

    /// Keeps the newest `keep` finished deliveries (pending ones always stay).
    public func trimDeliveries(keep: Int) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                DELETE FROM webhook_deliveries WHERE status != 'pending' AND id < (
                    SELECT id FROM webhook_deliveries WHERE status != 'pending' ORDER BY id DESC LIMIT 1 OFFSET ?)
                """, arguments: [max(keep - 1, 0)])
        }
    }

    static func delivery(from row: Row) -> WebhookDelivery {
        WebhookDelivery(id: row["id"], event: row["event"], target: row["url"], createdAtMicros: row["created_at"],
                        status: WebhookDelivery.Status(rawValue: row["status"]) ?? .failed,
                        attempts: decodeAttempts(row["attempt_log"]), nextAttemptAtMicros: row["next_attempt_at"],
                        completedAtMicros: row["completed_at"], payload: row["payload"])
    }

    static func encodeAttempts(_ attempts: [WebhookDelivery.Attempt]) -> String {
        let items = attempts.map { attempt -> JSONValue in
            .object(JSONObject([
                ("at", .int(attempt.atMicros)),
                ("status_code", attempt.statusCode.map { .int(Int64($0)) } ?? .null),
                ("error", attempt.error.map(JSONValue.string) ?? .null),
                ("duration_ms", .double(attempt.durationMs)),
            ]))
        }
        return JSONWriter.serialize(.array(items))
    }

    static func decodeAttempts(_ text: String?) -> [WebhookDelivery.Attempt] {
        guard let text, let items = (try? JSONReader.parse(Array(text.utf8)))?.arrayValue else { return [] }
        return items.map { item in
            WebhookDelivery.Attempt(atMicros: item["at"]?.intValue ?? 0, statusCode: item["status_code"]?.intValue.map { Int($0) },
                                    error: item["error"]?.stringValue, durationMs: item["duration_ms"]?.doubleValue ?? 0)
        }
    }
}
