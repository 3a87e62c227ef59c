import Providers

/// `[server]`: where the daemon listens and what it accepts.
public struct ServerSettings: Sendable, Equatable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8420
    /// Largest request body the proxy accepts, in bytes (larger ones get a 413).
    public var maxBodyBytes: Int = 32 << 20
    /// When set, mutating API calls must carry `Authorization: Bearer <token>`.
    public var adminToken: String?

    public init() {}
}

/// `[storage]`: where data lives and how long calls are kept.
public struct StorageSettings: Sendable, Equatable {
    /// The data folder (database, logs, imported prices); nil = `$TOKENLENS_HOME` or `~/.tokenlens`.
    public var path: String?
    public var retentionDays: Int?
    /// Calls held in memory awaiting the database before new ones are dropped (and counted).
    public var queueCapacity: Int = 65_536

    public init() {}
}

/// `[providers.NAME]`: where a provider's API is reached.
public struct ProviderSettings: Sendable, Equatable {
    public var baseURL: String
    /// Longest a whole upstream call (including a long stream) may take.
    public var timeoutSeconds: Double = 600
    public var connectTimeoutSeconds: Double = 10

    public init(baseURL: String) {
        self.baseURL = baseURL
    }

    public static func defaults(for provider: Provider) -> ProviderSettings {
        ProviderSettings(baseURL: provider.defaultBaseURL)
    }
}
