import AsyncHTTPClient
import Foundation
import Gateway
import Hummingbird
import Logging
import NIOCore
import Notify
import Policy
import Providers
import Recorder
import ServiceLifecycle

/// Starts and stops everything `tokenlens daemon` runs: compile the policy, open the store,
/// start the recorder, the upstream client and the server, and on SIGINT/SIGTERM stop
/// accepting, finish the calls in flight, and write every queued record before exiting.
public struct Daemon {
    public enum StartError: Error, CustomStringConvertible {
        case unreadable(PolicyReadError)
        case invalidPolicy([Diagnostic])
        case storage(String)
        case cannotListen(host: String, port: Int, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let error): "\(error)"
            case .invalidPolicy(let diagnostics):
                diagnostics.map(\.formatted).joined(separator: "\n")
                    + "\nthe daemon did not start: fix the errors above (run `tokenlens check` to see them again)"
            case .storage(let message): message
            case .cannotListen(let host, let port, let reason): "cannot listen on \(URLHost.bracketed(host)):\(port): \(reason)"
            }
        }
    }

    public static let version = "0.1.0"

    public var configPath: String
    public var portOverride: Int?
    public var hostOverride: String?
    public var environment: [String: String]
    public var logger: Logger

    public init(configPath: String, portOverride: Int? = nil, hostOverride: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) {
        self.configPath = configPath
        self.portOverride = portOverride
        self.hostOverride = hostOverride
        self.environment = environment
        self.logger = logger
    }

    /// Rebuilds today's and this month's spend and call counters from the database, so limits
    /// survive a restart.
    static func seed(_ ledger: SpendLedger, from store: CallStore, snapshot: PolicySnapshot) async throws {
        let zone = TimeZone(identifier: snapshot.budget.timezone) ?? TimeZone(identifier: "UTC")!
        let windows = BudgetWindows(now: Date(), timeZone: zone)
        let today = try await store.spend(since: windows.dayStartMicros)
        let month = try await store.spend(since: windows.monthStartMicros)
        let calls = try await store.upstreamCalls(since: windows.dayStartMicros)
        ledger.seed(windows: windows, dayTotal: today.total, monthTotal: month.total, sourcesToday: today.bySource,
                    sourcesThisMonth: month.bySource, modelCallsToday: calls)
    }

    static var webhookClientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(5))
        return configuration
    }

    public func run() async throws {
        let sources: PolicySources
        do {
            sources = try PolicySources.load(configPath: configPath, environment: environment)
        } catch {
            throw StartError.unreadable(error)
        }
        let compiled = PolicyCompiler.compile(sources, environment: environment)
        guard let snapshot = compiled.snapshot else { throw StartError.invalidPolicy(compiled.diagnostics) }
        for warning in compiled.warnings { logger.warning("\(warning.formatted)") }

        let home = snapshot.storage.path ?? DataHome.resolve(storagePath: nil, configDirectory: "", environment: environment)
        let store: CallStore
        do {
            store = try CallStore(path: (home as NSString).appendingPathComponent(DataHome.databaseFile))
        } catch {
            throw StartError.storage("\(error)")
        }
        let snapshots = SnapshotStore(snapshot)
        let liveBus = LiveBus()
        let metrics = ProxyMetrics()
        // Webhooks get their own client: no redirects (a redirect could leave allow_hosts).
        let webhookClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.webhookClientConfiguration)
        let dispatcher = WebhookDispatcher(store: store, snapshots: snapshots, client: webhookClient,
                                           userAgent: "TokenLens/\(Self.version)", logger: logger)
        let notifier = Notifier(store: store, snapshots: snapshots, dispatcher: dispatcher,
                                publishLive: { events in liveBus.publish(events) }, encodeCall: CallRecordJSON.string,
                                logger: logger)
        await notifier.seed()
        let recorder = Recorder(store: store, queueCapacity: snapshot.storage.queueCapacity, logger: logger) { batch in
            metrics.observe(batch)
            // Encoding events costs as much as recording them; skip it when nobody listens.
            if liveBus.subscriberCount > 0 { liveBus.publish(batch.map(CallRecordJSON.liveEvent)) }
            notifier.observe(batch)
        }
        let requestLogs = RequestLogWriter(store: store, logger: logger)
        let upstream = UpstreamPool(environment: environment)
        let ledger = SpendLedger()
        try await Self.seed(ledger, from: store, snapshot: snapshot)
        let seed = environment["TOKENLENS_ROUTING_SEED"].flatMap(UInt64.init)
        let engine = ProxyEngine(snapshots: snapshots, upstream: upstream, ledger: ledger, random: RoutingRandom(seed: seed),
                                 analyzer: RequestAnalyzer.make(), capture: { exchange in requestLogs.submit(exchange) },
                                 logger: logger, sink: RecordSink { record, analyze in
            if let analyze {
                recorder.record(record) { $0.analysis = analyze() }
            } else {
                recorder.record(record)
            }
        })
        let reloader = PolicyReloader(configPath: configPath, store: snapshots, environment: environment, logger: logger)
        let configService = ConfigService(reloader: reloader, store: snapshots, environment: environment, logger: logger)
        let services = AppServices(snapshots: snapshots, recorder: recorder, engine: engine, liveBus: liveBus,
                                   metrics: metrics, config: configService, notifier: notifier, requestLogs: requestLogs,
                                   version: Self.version, environment: environment)
        let server = TokenLensServer(services: services, logger: logger)
        let host = hostOverride ?? snapshot.server.host
        let port = portOverride ?? snapshot.server.port
        let logger = self.logger
        let watcher = PolicyWatcherService(reloader: reloader, configPath: configPath,
                                           policyDirectory: sources.policyDirectory, logger: logger)
        // Shut down in reverse: retention and the watcher, then the log writer, the recorder
        // (its last batches reach the notifier), the notifier, and the webhook worker last.
        let background: [any Service] = [
            WebhookDispatcherService(dispatcher: dispatcher), NotifierService(notifier: notifier),
            RecorderService(recorder: recorder), RequestLogService(writer: requestLogs), watcher,
            RetentionService(store: store, snapshots: snapshots, logger: logger),
        ]
        let app = server.makeApplication(host: host, port: port, extraServices: background) { bound in
            let url = "http://\(URLHost.bracketed(host)):\(bound)"
            logger.notice("TokenLens \(Self.version) listening on \(url) (policy \(snapshot.version), data \(home))")
            // A machine-readable line for scripts and tests that start the daemon on port 0.
            FileHandle.standardOutput.write(Data("TOKENLENS_READY \(url)\n".utf8))
        }
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            liveBus.finishAll()
            await upstream.shutdown()
            try? await webhookClient.shutdown()
            throw Self.startError(for: error, host: host, port: port)
        }
        liveBus.finishAll()
        await upstream.shutdown()
        try? await webhookClient.shutdown()
        let statistics = recorder.statistics
        logger.notice("TokenLens stopped: \(statistics.written) calls written, \(statistics.dropped) dropped, \(statistics.pending) pending")
    }

    /// The server's bind failures, said in words; any other error as it came.
    static func startError(for error: any Error, host: String, port: Int) -> any Error {
        guard let error = error as? IOError else { return error }
        let reason: String
        switch error.errnoCode {
        case EADDRINUSE:
            reason = "the address is already in use; stop whatever holds it (another TokenLens daemon?) "
                + "or choose another port with --port or [server] port in the config"
        case EACCES:
            reason = "permission denied (ports below 1024 need privileges); choose another port with --port "
                + "or [server] port in the config"
        case EADDRNOTAVAIL:
            reason = "no network interface has this address; check --host or [server] host in the config"
        default: return error
        }
        return StartError.cannotListen(host: host, port: port, reason: reason)
    }
}
