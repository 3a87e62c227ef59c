import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Providers

/// Serves `/proxy/*` straight from the server's channel pipeline, ahead of the HTTP
/// framework: reads the request, asks the engine, forwards on a pooled upstream connection
/// of the same event loop and writes the answer back as it arrives. It works in NIO's HTTP/1
/// types, before the framework's conversion to HTTP types, so a proxied call's headers are
/// never converted. Every other request passes on to the API server unchanged. Requests on
/// one connection are answered in order: while one is being answered (by either side), later
/// ones wait here.
final class ProxyChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// A proxied request's body is arriving.
        case reading(ProxyCall, ByteBuffer)
        /// The body passed the limit; the refusal is sent, the rest is dropped, then the connection closes.
        case discarding
        case exchanging(ProxyExchange?)
        /// A request for the API server is passing through.
        case passing
    }

    private let engine: ProxyEngine
    private var context: ChannelHandlerContext?
    /// Where the proxy's own response bytes are written (`ProxyResponseTap`).
    private var tap: ChannelHandlerContext?
    private var pool: LoopPool?
    private var state = State.idle
    /// Requests for the API server whose response has not ended yet.
    private var serverResponsesPending = 0
    /// Parts that arrived while an earlier request was still being answered.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var closeAfterResponse = false
    private var quiesceHeld = false
    private var requestIsHEAD = false
    /// The response being written has no length: its body goes in chunks.
    private var chunkedResponse = false
    /// The response being written has no body (an answer to HEAD, 204, 304).
    private var bodylessResponse = false
    /// Parts were handed to the API server since the end of the last read.
    private var passedSinceReadComplete = false

    init(engine: ProxyEngine) {
        self.engine = engine
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        pool = engine.upstream.pool(on: context.eventLoop)
        let pipeline = context.pipeline.syncOperations
        let tap = ProxyResponseTap()
        if let encoder = try? pipeline.context(handlerType: HTTPResponseEncoder.self) {
            try? pipeline.addHandler(tap, position: .before(encoder.handler))
        } else {
            try? pipeline.addHandler(tap, position: .first)
        }
        self.tap = try? pipeline.context(handler: tap)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        tap = nil
    }

    private var isBusy: Bool {
        if case .idle = state { return serverResponsesPending > 0 } else { return true }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if !queued.isEmpty {
            queued.append(part)
            return
        }
        process(part, context: context)
    }

    private func passOn(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        passedSinceReadComplete = true
        context.fireChannelRead(wrapInboundOut(part))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // The end of a read that carried only proxied parts would wake the API server's
        // handlers for nothing.
        guard passedSinceReadComplete else { return }
        passedSinceReadComplete = false
        context.fireChannelReadComplete()
    }

    private func process(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.passing, .end):
            state = .idle
            passOn(part, context: context)
        case (.passing, _):
            passOn(part, context: context)
        case (.reading(let call, var body), .body(var chunk)):
            guard body.readableBytes + chunk.readableBytes <= call.bodyLimit else {
                state = .discarding
                closeAfterResponse = true
                writeAnswer(engine.bodyTooLarge(call), context: context)
                return
            }
            state = .idle  // drop the buffer's second reference so the append does not copy
            if body.readableBytes == 0 {
                // Most bodies come in one chunk: keep it rather than copy it.
                body = chunk
            } else {
                if body.writableBytes < chunk.readableBytes, let length = call.head.headers.first(name: "content-length"),
                   let expected = Int(length), expected <= call.bodyLimit {
                    // The rest is on its way: make room for all of it once.
                    body.reserveCapacity(minimumWritableBytes: max(expected - body.readableBytes, chunk.readableBytes))
                }
                body.writeBuffer(&chunk)
            }
            state = .reading(call, body)
        case (.reading(let call, let body), .end):
            decide(call, body: body, context: context)
        case (.discarding, _):
            break
        case (_, .head(let request)):
            if isBusy {
                queued.append(part)
                return
            }
            let path = request.uri
            guard path.hasPrefix(ProxyRoute.prefix) else {
                state = .passing
                serverResponsesPending += 1
                passOn(part, context: context)
                return
            }
            let query = path.utf8.firstIndex(of: UInt8(ascii: "?"))
            let head = ProxyRequestHead(method: request.method.rawValue,
                                        path: query.map { String(path[..<$0]) } ?? path,
                                        query: query.map { String(path[path.utf8.index(after: $0)...]) },
                                        headers: request.headers)
            closeAfterResponse = !request.isKeepAlive
            requestIsHEAD = request.method == .HEAD
            if request.headers.first(name: "expect")?.equalsIgnoringASCIICase("100-continue") == true, let tap {
                // curl and others wait (a second, for curl) for this before sending a large body.
                tap.writeAndFlush(NIOAny(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")), promise: nil)
            }
            let call = engine.start(head)
            state = .reading(call, ByteBuffer())
        case (.exchanging, _), (.idle, _), (.reading, _):
            // Parts of a request that is not being read (after an early answer): dropped.
            break
        }
    }

    private func decide(_ call: ProxyCall, body: ByteBuffer, context: ChannelHandlerContext) {
        switch engine.decide(call, body: body) {
        case .respond(let response):
            writeAnswer(response, context: context)
        case .forward(let plan):
            guard let pool else { return }
            let exchange = ProxyExchange(engine: engine, plan: plan, pool: pool, client: self)
            state = .exchanging(exchange)
            exchange.start()
        }
    }

    // MARK: Writing to the client

    private func writeAnswer(_ response: ProxyResponse, context: ChannelHandlerContext) {
        if case .discarding = state {} else { state = .exchanging(nil) }
        var headers = response.headers
        switch response.body {
        case .complete(let text):
            let body = ByteBuffer(string: text)
            headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
            writeHead(status: response.status, headers: headers)
            writeBody(body)
        case .replay(let chunks):
            writeHead(status: response.status, headers: headers)
            for chunk in chunks { writeBody(chunk) }
        }
        endResponse()
    }

    /// After a response: close if asked to, let a held shutdown through, or take the next request.
    private func responseEnded() {
        guard let context else { return }
        if case .discarding = state {
            context.close(promise: nil)
            return
        }
        state = .idle
        if closeAfterResponse {
            context.close(promise: nil)
            return
        }
        if quiesceHeld {
            quiesceHeld = false
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        drainQueue()
    }

    private func drainQueue() {
        guard let context, !queued.isEmpty else { return }
        while !queued.isEmpty, !isBusy || !isAtHead {
            process(queued.removeFirst(), context: context)
        }
        // The API server takes in what it was given at the end of a read; this is not one.
        if passedSinceReadComplete {
            passedSinceReadComplete = false
            context.fireChannelReadComplete()
        }
    }

    /// The next queued part starts a new request.
    private var isAtHead: Bool {
        if case .head = queued.first { return true } else { return false }
    }

    // MARK: Events

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the API server's responses pass here; the proxy writes from this handler.
        context.write(data, promise: promise)
        if case .end = unwrapOutboundIn(data) {
            serverResponsesPending = max(0, serverResponsesPending - 1)
            if serverResponsesPending == 0, !queued.isEmpty {
                context.eventLoop.assumeIsolated().execute { [self] in drainQueue() }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .reading(let call, _):
            engine.cancelledWhileSending(call)
        case .exchanging(let exchange):
            exchange?.clientGone()
        default:
            break
        }
        state = .idle
        queued.removeAll()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .exchanging(let exchange?) = state { exchange.clientWritable(context.channel.isWritable) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            switch state {
            case .reading, .exchanging, .discarding:
                // Shutting down: the answer in progress is finished first.
                closeAfterResponse = true
                quiesceHeld = true
                return
            case .idle, .passing:
                break
            }
        }
        context.fireUserInboundEventTriggered(event)
    }
}

extension ProxyChannelHandler: ProxyResponseWriter {
    func writeHead(status: Int, headers: HTTPHeaders) {
        guard let tap else { return }
        bodylessResponse = requestIsHEAD || status == 204 || status == 304 || status < 200
        chunkedResponse = !bodylessResponse && !headers.contains(name: "content-length")
        var head = tap.channel.allocator.buffer(capacity: 0)
        head.writeProxyResponseHead(status: status, headers: headers, chunked: chunkedResponse, close: closeAfterResponse)
        tap.write(NIOAny(head), promise: nil)
    }

    func writeBody(_ buffer: ByteBuffer) {
        // An empty chunk would end a chunked body.
        guard let tap, !bodylessResponse, buffer.readableBytes > 0 else { return }
        if chunkedResponse {
            var sizeLine = tap.channel.allocator.buffer(capacity: 18)
            sizeLine.writeChunkSizeLine(buffer.readableBytes)
            tap.write(NIOAny(sizeLine), promise: nil)
            tap.write(NIOAny(buffer), promise: nil)
            tap.write(NIOAny(Self.lineBreak), promise: nil)
        } else {
            tap.write(NIOAny(buffer), promise: nil)
        }
    }

    private static let lineBreak = ByteBuffer(string: "\r\n")
    private static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    func flush() {
        tap?.flush()
    }

    func endResponse(then work: () -> Void) {
        if chunkedResponse {
            chunkedResponse = false
            tap?.write(NIOAny(Self.lastChunk), promise: nil)
        }
        tap?.flush()
        work()
        responseEnded()
    }

    func abortConnection() {
        tap?.flush()
        context?.close(promise: nil)
    }

    func send(_ response: ProxyResponse) {
        guard let context else { return }
        writeAnswer(response, context: context)
    }
}

/// Added by the server where it puts extra handlers (after its HTTP-types codec): puts the
/// proxy handler in front of that codec instead, then removes itself.
public final class ProxyHandlerInstaller: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny
    private let engine: ProxyEngine

    public init(engine: ProxyEngine) {
        self.engine = engine
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        let proxy = ProxyChannelHandler(engine: engine)
        if let codec = try? pipeline.context(handlerType: HTTP1ToHTTPServerCodec.self) {
            try? pipeline.addHandler(proxy, position: .before(codec.handler))
        } else {
            // No conversion to HTTP types in this pipeline: the proxy takes NIO's parts here.
            try? pipeline.addHandler(proxy, position: .after(self))
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}
