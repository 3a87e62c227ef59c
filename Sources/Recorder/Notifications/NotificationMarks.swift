import Foundation
import GRDB

/// Remembers what was already done per window (`notification_marks`): a cost alert for a day,
/// a weekly digest for a week, the automatic prune for a day. A restart mid-window then
/// neither repeats nor skips it.
extension CallStore {
    /// Sets the mark; true if it was not set before (the caller should act), false if it was.
    public func setMark(kind: String, period: String, detail: String? = nil, atMicros: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO notification_marks (kind, period, at, detail) VALUES (?, ?, ?, ?)",
                           arguments: [kind, period, atMicros, detail])
            return db.changesCount > 0
        }
    }

    public func hasMark(kind: String, period: String) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM notification_marks WHERE kind = ? AND period = ?", arguments: [kind, period]) ?? false
        }
    }

    /// Marks of a kind whose period is `period` (e.g. every threshold alerted today).
    public func marks(period: String, kindPrefix: String) async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT kind FROM notification_marks WHERE period = ? AND kind LIKE ? ESCAPE '\\'",
                                arguments: [period, kindPrefix.replacingOccurrences(of: "%", with: "\\%")
                                    .replacingOccurrences(of: "_", with: "\\_") + "%"])
        }
    }
}
