import Foundation
import Gateway
import Notify
import Policy
import Recorder

/// The long-lived parts the routes read: built once by the daemon and passed in, never global.
public struct AppServices: Sendable {
    public var snapshots: SnapshotStore
    public var recorder: Recorder
    public var engine: ProxyEngine
    public var liveBus: LiveBus
    public var metrics: ProxyMetrics
    /// The config API; nil when the daemon runs without files to write (tests of the read API).
    public var config: ConfigService?
    public var startedAt: Date
    public var version: String
    /// Alerts, digests and webhooks; nil when the daemon runs without them (tests of the read API).
    public var notifier: Notifier?
    /// The request-log writer (`[logging] enabled`); nil when bodies are never captured.
    public var requestLogs: RequestLogWriter?
    /// Ids of ingested calls.
    public var ingestIDs = RequestIDGenerator()
    /// The daemon's environment: the playground's fallback for provider API keys.
    public var environment: [String: String]

    public init(snapshots: SnapshotStore, recorder: Recorder, engine: ProxyEngine, liveBus: LiveBus,
                metrics: ProxyMetrics, config: ConfigService? = nil, notifier: Notifier? = nil,
                requestLogs: RequestLogWriter? = nil, startedAt: Date = Date(), version: String,
                environment: [String: String] = [:]) {
        self.notifier = notifier
        self.requestLogs = requestLogs
        self.snapshots = snapshots
        self.recorder = recorder
        self.engine = engine
        self.liveBus = liveBus
        self.metrics = metrics
        self.config = config
        self.startedAt = startedAt
        self.version = version
        self.environment = environment
    }

    public var store: CallStore { recorder.store }
}
