import Foundation
import Policy
import Recorder

/// Finds and opens the database for commands that read it directly (`stats`, `prune`,
/// `report` without a daemon): `--db PATH`, else `usage.db` in the data folder the config
/// names (`[storage] path`), else `$TOKENLENS_HOME` or `~/.tokenlens`.
enum StoreLocation {
    static func path(config: String, db: String?) -> String {
        if let db { return db }
        return (DataFolder.resolve(configPath: config) as NSString).appendingPathComponent(DataHome.databaseFile)
    }

    /// Opens an existing database; a missing one is an error, never silently created.
    static func open(config: String, db: String?) throws -> CallStore {
        let path = path(config: config, db: db)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("no database at \(path): start the daemon once, or name the data with --config or --db")
        }
        do {
            return try CallStore(path: path)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// The compiled config (for retention days, budget zone and limits), if it compiles.
    static func snapshot(config: String) -> PolicySnapshot? {
        guard FileManager.default.fileExists(atPath: config), let sources = try? PolicySources.load(configPath: config) else { return nil }
        return PolicyCompiler.compile(sources).snapshot
    }
}
