import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Keep-alive HTTP/1.1 connections to the providers, one pool per event loop: a proxied call
/// is forwarded on a connection owned by the same loop as the client's, so the whole exchange
/// runs on one thread with no hops, locks or tasks. TLS (with the system's trust roots, plus
/// `SSL_CERT_FILE` if set) for `https://` base URLs. Bodies are passed as they come, never
/// decompressed: the client gets the provider's bytes.
public final class UpstreamPool: Sendable {
    let maxIdlePerEndpoint: Int
    private let loops = Mutex<[ObjectIdentifier: LoopPool]>([:])
    private let tls = Mutex<Result<NIOSSLContext, any Error>?>(nil)
    private let environment: [String: String]

    public init(maxIdlePerEndpoint: Int = 256, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.maxIdlePerEndpoint = maxIdlePerEndpoint
        self.environment = environment
    }

    /// The pool of `loop`; call on that loop.
    func pool(on loop: any EventLoop) -> LoopPool {
        let key = ObjectIdentifier(loop)
        return loops.withLock { pools in
            if let pool = pools[key] { return pool }
            let pool = LoopPool(loop: loop, owner: self)
            pools[key] = pool
            return pool
        }
    }

    /// The TLS client context, made once (loading trust roots is slow).
    func tlsContext() throws -> NIOSSLContext {
        try tls.withLock { stored in
            if let stored { return try stored.get() }
            let result = Result<NIOSSLContext, any Error> {
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.applicationProtocols = ["http/1.1"]
                if let file = environment["SSL_CERT_FILE"], !file.isEmpty {
                    configuration.additionalTrustRoots = [.file(file)]
                }
                return try NIOSSLContext(configuration: configuration)
            }
            stored = result
            return try result.get()
        }
    }

    /// Closes every idle connection.
    public func shutdown() async {
        let pools = loops.withLock { Array($0.values) }
        for pool in pools {
            try? await pool.loop.submit { pool.closeAll() }.get()
        }
    }
}

/// The connections of one event loop. Confined to that loop: every method runs on it.
final class LoopPool: @unchecked Sendable {
    let loop: any EventLoop
    /// The attempt deadlines of this loop's exchanges.
    let deadlines: LoopDeadlines
    private unowned let owner: UpstreamPool
    /// Idle connections by endpoint, in a box each so taking and returning one changes the
    /// list in place (through the dictionary's accessors the list was copied on every call).
    private final class IdleList {
        var connections: [UpstreamConnection] = []
    }

    private var idle: [UpstreamEndpoint: IdleList] = [:]
    private var endpoints: [String: UpstreamEndpoint] = [:]

    init(loop: any EventLoop, owner: UpstreamPool) {
        self.loop = loop
        self.owner = owner
        deadlines = LoopDeadlines(loop: loop)
    }

    /// The endpoint of a base URL, parsed once.
    func endpoint(for baseURL: String) -> UpstreamEndpoint? {
        if let known = endpoints[baseURL] { return known }
        guard let parsed = UpstreamEndpoint(baseURL: baseURL) else { return nil }
        if endpoints.count > 64 { endpoints.removeAll() }
        endpoints[baseURL] = parsed
        return parsed
    }

    /// An idle connection to `endpoint` if there is one, else a new one. `done` runs on the loop.
    func acquire(_ endpoint: UpstreamEndpoint, connectTimeout: TimeAmount,
                 done: @escaping (Result<UpstreamConnection, UpstreamError>) -> Void) {
        loop.preconditionInEventLoop()
        while let connection = idle[endpoint]?.connections.popLast() {
            if connection.isUsable {
                connection.isReused = true
                done(.success(connection))
                return
            }
        }
        connect(endpoint, connectTimeout: connectTimeout, done: done)
    }

    /// A new connection, never a pooled one (a reused connection that the server had closed).
    func connect(_ endpoint: UpstreamEndpoint, connectTimeout: TimeAmount,
                 done: @escaping (Result<UpstreamConnection, UpstreamError>) -> Void) {
        let tls: NIOSSLContext?
        do {
            tls = endpoint.secure ? try owner.tlsContext() : nil
        } catch {
            done(.failure(.connect("TLS is not available: \(error)")))
            return
        }
        let pool = self
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: endpoint.serverName))
                    }
                    // The connection frames its own HTTP/1.1 (`UpstreamResponseParser`).
                    try pipeline.addHandler(UpstreamConnection(endpoint: endpoint, pool: pool))
                }
            }
        bootstrap.connect(host: endpoint.host, port: endpoint.port).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                do {
                    done(.success(try channel.pipeline.syncOperations.handler(type: UpstreamConnection.self)))
                } catch {
                    channel.close(promise: nil)
                    done(.failure(.connect("\(error)")))
                }
            case .failure(let error):
                if case ChannelError.connectTimeout = error {
                    done(.failure(.connectTimeout))
                } else {
                    done(.failure(.connect("\(error)")))
                }
            }
        }
    }

    /// Takes back a connection whose exchange finished cleanly.
    func release(_ connection: UpstreamConnection) {
        guard connection.isUsable else { return }
        connection.setReading(true)
        let list: IdleList
        if let known = idle[connection.endpoint] {
            list = known
        } else {
            list = IdleList()
            idle[connection.endpoint] = list
        }
        if list.connections.count < owner.maxIdlePerEndpoint {
            list.connections.append(connection)
        } else {
            connection.close()
        }
    }

    /// Drops a closed connection from the idle list.
    func forget(_ connection: UpstreamConnection) {
        guard let list = idle[connection.endpoint],
              let index = list.connections.firstIndex(where: { $0 === connection }) else { return }
        list.connections.remove(at: index)
    }

    func closeAll() {
        let all = idle.values.flatMap(\.connections)
        idle.removeAll()
        for connection in all { connection.close() }
    }
}

/// Receives one upstream response, on the connection's event loop.
protocol UpstreamResponseHandler: AnyObject {
    func upstreamHead(_ head: UpstreamResponseHead)
    func upstreamBody(_ body: ByteBuffer)
    /// The end of what one socket read delivered: the moment to flush to the client.
    func upstreamReadComplete()
    func upstreamEnd()
    func upstreamFailed(_ error: UpstreamError)
}

/// One keep-alive connection to a provider: sends a request, hands the response to its
/// handler, and goes back to its pool when the response ended and both sides keep it alive.
/// It writes and reads HTTP/1.1 itself: the request head is written from the engine's
/// headers in one buffer, the response read by `UpstreamResponseParser` with body bytes
/// handed on as slices of the socket's reads.
final class UpstreamConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Request bodies up to this size go in the head's buffer: one copy of a few kilobytes
    /// is cheaper than a second buffer in the write.
    private static let inlineBodyLimit = 16 * 1024

    let endpoint: UpstreamEndpoint
    private weak var pool: LoopPool?
    private var context: ChannelHandlerContext?
    private var handler: (any UpstreamResponseHandler)?
    private var parser = UpstreamResponseParser()
    private var keepAlive = true
    private var responseStarted = false
    private var lastError: (any Error)?
    private var closed = false
    /// Reading was stopped by `setReading(false)`.
    private var readingPaused = false
    /// Taken from the idle list (a server may have closed it meanwhile: worth one retry).
    var isReused = false

    init(endpoint: UpstreamEndpoint, pool: LoopPool) {
        self.endpoint = endpoint
        self.pool = pool
    }

    var isUsable: Bool { !closed && context?.channel.isActive == true }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends a request whose body is complete; the response goes to `handler`.
    func send(_ request: UpstreamRequest, to handler: any UpstreamResponseHandler) {
        guard let context, !closed else {
            handler.upstreamFailed(.closed(afterResponseStarted: false, reason: nil))
            return
        }
        self.handler = handler
        // HTTP/1.1 without a `connection` header (a hop-by-hop header, never forwarded).
        keepAlive = true
        responseStarted = false
        parser.expectResponse(toHEAD: request.method == "HEAD")
        let bodyBytes = request.body?.readableBytes ?? 0
        var buffer = context.channel.allocator.buffer(capacity: 512 + min(bodyBytes, Self.inlineBodyLimit))
        buffer.writeUpstreamRequestHead(request)
        if let body = request.body, bodyBytes > 0 {
            if bodyBytes <= Self.inlineBodyLimit {
                buffer.writeImmutableBuffer(body)
            } else {
                context.write(wrapOutboundOut(buffer), promise: nil)
                buffer = body
            }
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.append(unwrapInboundIn(data))
        do {
            while let event = try parser.next() {
                switch event {
                case .head(let head):
                    responseStarted = true
                    if !parser.keepsAlive { keepAlive = false }
                    handler?.upstreamHead(head)
                case .body(let body):
                    handler?.upstreamBody(body)
                case .end:
                    responseEnded()
                    return
                }
            }
            if parser.hasUnexpectedBytes {
                // Bytes no request asked for: whatever the server meant, this connection is not
                // to be trusted with another request.
                close()
            }
        } catch {
            lastError = error
            context.close(promise: nil)
        }
    }

    private func responseEnded() {
        let handler = self.handler
        self.handler = nil
        // Bytes after the response (the server's mistake) would be read as the next one's.
        if keepAlive, !parser.hasUnexpectedBytes {
            pool?.release(self)
        } else {
            close()
        }
        handler?.upstreamEnd()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        handler?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        lastError = error
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        pool?.forget(self)
        if let handler {
            self.handler = nil
            if parser.readsUntilClose, lastError == nil {
                // A body without a length ends with the connection: this is its end, not a failure.
                handler.upstreamEnd()
            } else {
                handler.upstreamFailed(.closed(afterResponseStarted: responseStarted, reason: lastError.map { "\($0)" }))
            }
        }
        context.fireChannelInactive()
    }

    /// Stops or resumes reading the response (the client is not keeping up).
    func setReading(_ reading: Bool) {
        guard reading == readingPaused, let channel = context?.channel else { return }
        readingPaused = !reading
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: reading)
    }

    /// Drops the exchange in progress: the connection is closed, never reused.
    func abandon() {
        handler = nil
        close()
    }

    func close() {
        guard !closed else { return }
        closed = true
        context?.close(promise: nil)
    }
}
