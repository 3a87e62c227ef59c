import Foundation
import Gateway
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Policy
import Recorder
import ServiceLifecycle

/// The HTTP server: proxy, API, live feed, metrics, dashboard and playground on one port. It owns no business logic;
/// it maps HTTP onto the engine, the store and the bus.
public struct TokenLensServer: Sendable {
    public let services: AppServices
    public let logger: Logger
    /// The analysis endpoints and their caches, shared by the routes and the warm-up.
    public let analysis: AnalysisAPI

    public init(services: AppServices, logger: Logger) {
        self.services = services
        self.logger = logger
        self.analysis = AnalysisAPI(store: services.store, snapshots: services.snapshots)
    }

    func makeRouter(boundHost: String, loopback: LoopbackAddress) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(AccessGuard(snapshots: services.snapshots, boundHost: boundHost))
        router.middlewares.add(OptionalEndpointMiddleware())
        APIRoutes(services: services).register(on: router)
        AnalysisRoutes(api: analysis).register(on: router)
        ExportRoutes(store: services.store).register(on: router)
        IngestRoutes(services: services).register(on: router)
        LogRoutes(services: services).register(on: router)
        if let notifier = services.notifier { NotifyRoutes(services: services, notifier: notifier).register(on: router) }
        BreakdownRoutes(services: services).register(on: router)
        if let config = services.config { ConfigRoutes(config: config).register(on: router) }
        PlaygroundRoutes(services: services, loopback: loopback).register(on: router)
        DashboardRoutes().register(on: router)
        return router
    }

    /// Builds the Hummingbird application. `onRunning` receives the bound port (useful with port 0).
    public func makeApplication(host: String, port: Int, extraServices: [any Service],
                                onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let bus = services.liveBus
        let guardPolicy = AccessGuard<BasicRequestContext>(snapshots: services.snapshots, boundHost: host)
        let loopback = LoopbackAddress(boundHost: host)
        let engine = services.engine
        // `/proxy/*` is served by a channel handler in front of Hummingbird's HTTP parser (one
        // event loop, no tasks, pooled upstream connections); everything else reaches the router.
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [ServerResponseWatchInstaller()])
        let shouldUpgrade: @Sendable (HTTPRequest, any Channel, Logger) async throws
            -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> = { request, _, _ in
            let path = request.path.map { $0.split(separator: "?", maxSplits: 1).first.map(String.init) ?? $0 }
            guard path == LiveSocket.path else { return .dontUpgrade }
            // The live feed carries call metadata: same Host rules as the API, and no
            // connections from other sites' pages (browsers allow cross-origin WebSockets).
            let configured = services.snapshots.snapshot.server.host.lowercased()
            guard let authority = request.authority,
                  guardPolicy.isAllowed(host: AccessGuard<BasicRequestContext>.hostname(of: authority), configured: configured),
                  request.headerFields[.origin].map({ guardPolicy.isSameOrigin($0, authority: authority) }) ?? true
            else { return .dontUpgrade }
            return .upgrade([:]) { inbound, outbound, _ in
                await LiveSocket.serve(bus: bus, inbound: inbound, outbound: outbound)
            }
        }
        let server = HTTPServerBuilder { responder in
            ProxyFrontChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: .init(http1: http1), shouldUpgrade: shouldUpgrade),
                engine: engine)
        }
        return Application(
            router: makeRouter(boundHost: host, loopback: loopback),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            services: extraServices + [AnalysisWarmUpService(api: analysis, logger: logger)],
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                loopback.bound(to: bound)
                await onRunning(bound)
            },
            logger: logger)
    }
}

/// Runs the recorder's writer for the life of the daemon; on shutdown it stops taking new
/// calls and returns once every queued call is in the database.
public struct RecorderService: Service {
    let recorder: Recorder

    public init(recorder: Recorder) {
        self.recorder = recorder
    }

    public func run() async throws {
        await runUntilStopped {
            await recorder.run()
        } stop: {
            recorder.close()
        }
    }
}

/// The server's connections, each with the proxy handler in front of all of Hummingbird's.
struct ProxyFrontChannel<Base: ServerChildChannel>: ServerChildChannel {
    let base: Base
    let engine: ProxyEngine

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try ProxyFrontInstaller.install(engine: engine, on: channel)
            return value
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        var logger = logger
        logger.handler = UnfinishedUpgradeLogFilter(base: logger.handler)
        await base.handle(value: value, logger: logger)
    }
}
