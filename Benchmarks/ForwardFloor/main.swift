#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import NIOPosix

// The floor under the proxy benchmark: the least an HTTP/1 forwarder on SwiftNIO can do per
// call — request bytes in, the same bytes to a pinned upstream connection, response bytes
// back, framed by Content-Length alone; no header model, no routing, no recording. It tells
// what the event loops, the sockets and the kernel cost on the machine at hand, so the
// proxy benchmark's gap to it is what TokenLens's own pipeline costs. Not a proxy: it
// understands only the fixed provider's Content-Length responses.
//
// With --http the same forwarding goes through NIO's HTTP/1 codecs on both connections
// (request and response heads parsed into `HTTPHeaders` and serialised again), which is what
// TokenLens's proxy path builds on: the difference between the two modes is the codecs' cost.
//
//   tokenlens-forward-floor [--http] UPSTREAM_PORT LISTEN_PORT

let arguments = CommandLine.arguments.dropFirst().filter { $0 != "--http" }
let useHTTPCodecs = CommandLine.arguments.contains("--http")
guard arguments.count == 2, let upstreamPort = Int(arguments.first!), let listenPort = Int(arguments.last!) else {
    print("usage: tokenlens-forward-floor [--http] UPSTREAM_PORT LISTEN_PORT")
    exit(2)
}

/// The length of the first whole message in `buffer` (head and Content-Length body), or nil
/// while it is incomplete.
func messageLength(_ buffer: ByteBuffer) -> Int? {
    buffer.withUnsafeReadableBytes { bytes -> Int? in
        let contentLength = Array("content-length:".utf8)
        var index = 0
        var lineStart = 0
        var bodyLength = 0
        while index + 1 < bytes.count {
            guard bytes[index] == 13, bytes[index + 1] == 10 else {
                index += 1
                continue
            }
            if index == lineStart {
                let total = index + 2 + bodyLength
                return bytes.count >= total ? total : nil
            }
            if index - lineStart > contentLength.count,
               contentLength.indices.allSatisfy({ bytes[lineStart + $0] | 0x20 == contentLength[$0] | 0x20 }) {
                bodyLength = 0
                for digit in bytes[(lineStart + contentLength.count)..<index] where (48...57).contains(digit) {
                    bodyLength = bodyLength * 10 + Int(digit - 48)
                }
            }
            index += 2
            lineStart = index
        }
        return nil
    }
}

/// Splits whole messages off an accumulating buffer.
struct MessageFramer {
    private var pending: ByteBuffer?

    mutating func append(_ incoming: ByteBuffer) {
        var incoming = incoming
        if pending == nil { pending = incoming } else { pending!.writeBuffer(&incoming) }
    }

    mutating func next() -> ByteBuffer? {
        guard let buffered = pending, let length = messageLength(buffered) else { return nil }
        let message = pending!.readSlice(length: length)
        if pending!.readableBytes == 0 { pending = nil }
        return message
    }
}

final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let client: any Channel
    private var framer = MessageFramer()

    init(client: any Channel) {
        self.client = client
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        framer.append(unwrapInboundIn(data))
        while let response = framer.next() { client.writeAndFlush(response, promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.close(promise: nil)
    }
}

/// The upstream connection of one client connection, and what the client sent before it
/// was up.
final class UpstreamLink<Message: Sendable> {
    private var upstream: (any Channel)?
    private var waiting: [Message] = []

    init(client: any Channel, port: Int, handlers: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) {
        ClientBootstrap(group: client.eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer(handlers)
            .connect(host: "127.0.0.1", port: port)
            .assumeIsolated()
            .whenComplete { result in
                guard case .success(let channel) = result else { return client.close(promise: nil) }
                self.upstream = channel
                for message in self.waiting { channel.write(message, promise: nil) }
                channel.flush()
                self.waiting = []
            }
    }

    func send(_ message: Message, flush: Bool) {
        guard let upstream else { return waiting.append(message) }
        if flush { upstream.writeAndFlush(message, promise: nil) } else { upstream.write(message, promise: nil) }
    }

    func close() {
        upstream?.close(promise: nil)
    }
}

final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let upstreamPort: Int
    private var link: UpstreamLink<ByteBuffer>?
    private var framer = MessageFramer()

    init(upstreamPort: Int) {
        self.upstreamPort = upstreamPort
    }

    func channelActive(context: ChannelHandlerContext) {
        let client = context.channel
        link = UpstreamLink(client: client, port: upstreamPort) { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UpstreamHandler(client: client)) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        framer.append(unwrapInboundIn(data))
        while let request = framer.next() { link?.send(request, flush: true) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        link?.close()
    }
}

/// --http: response parts from NIO's client codec, re-encoded by the client's server codec.
final class HTTPUpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    private let client: any Channel

    init(client: any Channel) {
        self.client = client
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            client.write(HTTPServerResponsePart.head(head), promise: nil)
        case .body(let body):
            client.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
        case .end(let trailers):
            client.writeAndFlush(HTTPServerResponsePart.end(trailers), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.close(promise: nil)
    }
}

/// --http: request parts from NIO's server codec, re-encoded by the upstream's client codec.
final class HTTPClientHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    private let upstreamPort: Int
    private var link: UpstreamLink<HTTPClientRequestPart>?

    init(upstreamPort: Int) {
        self.upstreamPort = upstreamPort
    }

    func channelActive(context: ChannelHandlerContext) {
        let client = context.channel
        link = UpstreamLink(client: client, port: upstreamPort) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(HTTPUpstreamHandler(client: client))
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): link?.send(.head(head), flush: false)
        case .body(let body): link?.send(.body(.byteBuffer(body)), flush: false)
        case .end(let trailers): link?.send(.end(trailers), flush: true)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        link?.close()
    }
}

let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount))
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            if useHTTPCodecs {
                try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false)
                try pipeline.addHandler(HTTPClientHandler(upstreamPort: upstreamPort))
            } else {
                try pipeline.addHandler(ClientHandler(upstreamPort: upstreamPort))
            }
        }
    }
    .bind(host: "127.0.0.1", port: listenPort).get()
print("forwarding 127.0.0.1:\(listenPort) to 127.0.0.1:\(upstreamPort)")
try await server.closeFuture.get()
