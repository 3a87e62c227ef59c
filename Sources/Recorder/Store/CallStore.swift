import Foundation
import GRDB
import GRDBSQLite
import Providers

/// The SQLite database of recorded calls (system libsqlite3, WAL mode). Writes come only from
/// the `Recorder`'s writer; reads (API queries) run concurrently on the pool's readers.
public final class CallStore: Sendable {
    public let path: String
    let pool: DatabasePool
    let rollupResults = RollupResultCache()

    public enum OpenError: Error, CustomStringConvertible {
        case cannotCreateDirectory(String, String)
        case cannotOpen(String, String)

        public var description: String {
            switch self {
            case .cannotCreateDirectory(let path, let reason): "cannot create the data folder \(path): \(reason)"
            case .cannotOpen(let path, let reason): "cannot open the database \(path): \(reason)"
            }
        }
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws(OpenError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateDirectory(folder, error.localizedDescription)
            }
        }
        let slowStatementMs = ProcessInfo.processInfo.environment["TOKENLENS_SQL_SLOW_MS"].flatMap(Double.init)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync: a crash can lose the last transactions but never corrupts.
            // Checkpointing every 16 MiB of WAL instead of 4 keeps bursts of writes cheap.
            // Readers (the analysis views) get a 16 MiB page cache; the writer, which only appends
            // and touches the indexes' right edges (a few dozen pages a batch), 1 MiB: its cache is
            // most of what the daemon gains under load.
            let cacheKiB = db.configuration.readonly ? 16_384 : 1_024
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 4096; PRAGMA cache_size = -\(cacheKiB)")
            if let threshold = slowStatementMs {
                // `TOKENLENS_SQL_SLOW_MS=N`: statements slower than N ms go to standard error,
                // for finding what a slow endpoint waits on.
                db.trace(options: .profile) { event in
                    guard case .profile(let statement, let duration) = event, duration * 1_000 >= threshold else { return }
                    FileHandle.standardError.write(Data(String(format: "sql %.1f ms: %@\n", duration * 1_000,
                                                               statement.sql).utf8))
                }
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
        } catch {
            throw .cannotOpen(path, "\(error)")
        }
    }

    /// Inserts records in one transaction.
    public func insert(_ records: [CallRecord]) async throws {
        guard !records.isEmpty else { return }
        try await pool.write { db in try Self.insert(records, into: db) }
    }

    /// Writes on the calling thread (a synchronous GRDB write runs there), giving the core away
    /// every so often (see `CorePacer`): the recorder's writer thread.
    func insertOnCallingThread(_ records: [CallRecord], pacer: inout CorePacer) throws {
        guard !records.isEmpty else { return }
        try pool.write { db in try Self.insert(records, into: db, pacer: &pacer) }
    }

    static func insert(_ records: [CallRecord], into db: Database) throws {
        var pacer = CorePacer(enabled: false)
        try insert(records, into: db, pacer: &pacer)
    }

    static func insert(_ records: [CallRecord], into db: Database, pacer: inout CorePacer) throws {
        let statement = try db.cachedStatement(sql: CallRow.insertSQL)
        let handle = statement.sqliteStatement
        // Text is bound without a copy from `texts` (see `CallRow.insert`): no binding may
        // outlive this function.
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        var texts = CallRow.TextBuffer()
        for record in records {
            pacer.breathe()
            sqlite3_reset(handle)
            let code = CallRow.insert(record, with: handle, texts: &texts)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
        try invalidateRollups(of: records, in: db)
    }

    public func callCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM calls") ?? 0 }
    }

    /// Size of the database and its WAL on disk.
    public func sizeOnDisk() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0
            return total + size
        }
    }

    /// Runs a read-only query on a reader connection.
    public func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    public func record(id: String) async throws -> CallRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM calls WHERE id = ?", arguments: [id]).map(CallRow.record(from:))
        }
    }
}
