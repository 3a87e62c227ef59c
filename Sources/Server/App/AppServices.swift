import Foundation
import Gateway
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
    /// The daemon's environment: the playground's fallback for provider API keys.
    public var environment: [String: String]

    public init(snapshots: SnapshotStore, recorder: Recorder, engine: ProxyEngine, liveBus: LiveBus,
                metrics: ProxyMetrics, config: ConfigService? = nil, startedAt: Date = Date(), version: String,
                environment: [String: String] = [:]) {
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
