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

final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let upstreamPort: Int
    private var upstream: (any Channel)?
    private var waiting: [ByteBuffer] = []
    private var framer = MessageFramer()

    init(upstreamPort: Int) {
        self.upstreamPort = upstreamPort
    }

    func channelActive(context: ChannelHandlerContext) {
        let client = context.channel
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { $0.pipeline.addHandler(UpstreamHandler(client: client)) }
            .connect(host: "127.0.0.1", port: upstreamPort)
            .whenComplete { result in
                guard case .success(let channel) = result else { return client.close(promise: nil) }
                self.upstream = channel
                for request in self.waiting { channel.writeAndFlush(request, promise: nil) }
                self.waiting = []
            }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        framer.append(unwrapInboundIn(data))
        while let request = framer.next() {
            if let upstream { upstream.writeAndFlush(request, promise: nil) } else { waiting.append(request) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upstream?.close(promise: nil)
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
    private var upstream: (any Channel)?
    private var waiting: [HTTPClientRequestPart] = []

    init(upstreamPort: Int) {
        self.upstreamPort = upstreamPort
    }

    func channelActive(context: ChannelHandlerContext) {
        let client = context.channel
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.pipeline.addHTTPClientHandlers().flatMap { channel.pipeline.addHandler(HTTPUpstreamHandler(client: client)) }
            }
            .connect(host: "127.0.0.1", port: upstreamPort)
            .whenComplete { result in
                guard case .success(let channel) = result else { return client.close(promise: nil) }
                self.upstream = channel
                for part in self.waiting { channel.write(part, promise: nil) }
                channel.flush()
                self.waiting = []
            }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part: HTTPClientRequestPart
        switch unwrapInboundIn(data) {
        case .head(let head): part = .head(head)
        case .body(let body): part = .body(.byteBuffer(body))
        case .end(let trailers): part = .end(trailers)
        }
        guard let upstream else { return waiting.append(part) }
        if case .end = part { upstream.writeAndFlush(part, promise: nil) } else { upstream.write(part, promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upstream?.close(promise: nil)
    }
}

let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount))
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        guard useHTTPCodecs else { return channel.pipeline.addHandler(ClientHandler(upstreamPort: upstreamPort)) }
        return channel.pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false)
            .flatMap { channel.pipeline.addHandler(HTTPClientHandler(upstreamPort: upstreamPort)) }
    }
    .bind(host: "127.0.0.1", port: listenPort).get()
print("forwarding 127.0.0.1:\(listenPort) to 127.0.0.1:\(upstreamPort)")
try await server.closeFuture.get()
