import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Serves `/proxy/*` from the front of the server's channel pipeline, ahead of the HTTP
/// framework and its parser: reads each request with `ClientRequestReader`, asks the engine,
/// forwards on a pooled upstream connection of the same event loop and writes the answer back
/// as HTTP/1.1 bytes as it arrives. Every other request's bytes pass on to the API server
/// unchanged. Requests on one connection are answered in order: a proxied request waits
/// while the API server still owes answers, and any request waits while a proxied one is
/// being answered.
final class ProxyChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        /// A proxied request's body is arriving.
        case reading(ProxyCall, ByteBuffer)
        /// The body passed the limit: the refusal is sent, the rest of the body is read past (a
        /// client still sending would otherwise get a reset, maybe before reading the refusal),
        /// then the connection closes.
        case draining
        case exchanging(ProxyExchange?)
    }

    /// Requests held back past this many bytes stop the reading until the answers catch up.
    private static let heldBytesLimit = 1 << 20

    private let engine: ProxyEngine
    private var context: ChannelHandlerContext?
    private var pool: LoopPool?
    private var state = State.idle
    private var reader = ClientRequestReader()
    /// Requests passed to the API server whose response has not ended yet.
    private var serverResponsesPending = 0
    private var closeAfterResponse = false
    private var quiesceHeld = false
    private var readingPaused = false
    private var readingRequests = false
    /// Bytes were handed to the API server since the end of the last read.
    private var passedSinceReadComplete = false
    private var requestIsHEAD = false
    private var clientIsHTTP10 = false
    /// The declared length of the proxied request's body (0 for chunked or none).
    private var expectedBodyBytes = 0
    /// The response being written has no length: its body goes in chunks.
    private var chunkedResponse = false
    /// The response being written has no body (an answer to HEAD, 204, 304).
    private var bodylessResponse = false
    /// The storage a forwarded response's head is written into, kept for the next one: once a
    /// head has gone to the socket NIO holds no reference to it, so `clear()` reuses it instead
    /// of allocating (a head still queued behind backpressure is copied on write, as ever).
    private var headBuffer = ByteBuffer()

    init(engine: ProxyEngine) {
        self.engine = engine
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        pool = engine.upstream.pool(on: context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reader.append(unwrapInboundIn(data))
        readRequests()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // The end of a read that carried only proxied requests would wake the API server's
        // handlers for nothing.
        guard passedSinceReadComplete else { return }
        passedSinceReadComplete = false
        context.fireChannelReadComplete()
    }

    /// Takes in every request whose turn has come.
    private func readRequests() {
        // An answer given at once ends its request inside this loop, which then goes on with
        // the next: no recursion, however many requests a client pipelines.
        guard let context, !readingRequests else { return }
        readingRequests = true
        defer { readingRequests = false }
        while let event = reader.next(mayStart: mayStart) {
            switch event {
            case .proxied(let request):
                closeAfterResponse = !request.keepAlive
                requestIsHEAD = request.isHEAD
                // An HTTP/1.0 client reads a body of unknown length up to the end of the connection.
                clientIsHTTP10 = request.minorVersion == 0
                if clientIsHTTP10 { closeAfterResponse = true }
                let call = engine.start(request.head)
                if let length = request.contentLength, length > call.bodyLimit {
                    // A client waiting for "100 Continue" sends no body: nothing to read past.
                    refuseBody(call, bodyFollows: !request.expectsContinue)
                    continue
                }
                if request.expectsContinue {
                    // curl and others wait (a second, for curl) for this before sending a large body.
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")), promise: nil)
                }
                expectedBodyBytes = request.contentLength ?? 0
                state = .reading(call, ByteBuffer())
            case .body(let chunk):
                guard case .reading(let call, var body) = state else { continue }
                guard body.readableBytes + chunk.readableBytes <= call.bodyLimit else {
                    refuseBody(call, bodyFollows: true)
                    continue
                }
                state = .idle  // drop the buffer's second reference so the append does not copy
                var chunk = chunk
                if body.readableBytes == 0, chunk.readableBytes >= expectedBodyBytes {
                    // Most bodies come in one read: keep it rather than copy it.
                    body = chunk
                } else {
                    if body.readableBytes == 0 {
                        // The rest is on its way: room for all of it, made once.
                        body = context.channel.allocator.buffer(capacity: max(expectedBodyBytes, chunk.readableBytes))
                    }
                    body.writeBuffer(&chunk)
                }
                state = .reading(call, body)
            case .end:
                if case .draining = state {
                    context.close(promise: nil)
                    return
                }
                guard case .reading(let call, let body) = state else { continue }
                decide(call, body: body)
            case .serverRequest(let head):
                serverResponsesPending += 1
                passOn(head)
            case .pass(let bytes):
                passOn(bytes)
            case .malformed:
                // Nothing after a broken body can be read: answer (and record) it, then close.
                closeAfterResponse = true
                if case .reading(let call, _) = state {
                    writeAnswer(engine.malformedBody(call))
                } else {
                    context.close(promise: nil)
                }
                return
            }
        }
        if passedSinceReadComplete {
            // Requests let through after their turn came, outside a read: the API server takes
            // in what it was given at the end of a read.
            passedSinceReadComplete = false
            context.fireChannelReadComplete()
        }
        holdReading(reader.bufferedBytes > Self.heldBytesLimit)
    }

    private func mayStart(_ kind: ClientRequestReader.Kind) -> Bool {
        guard case .idle = state, !closeAfterResponse else { return false }
        return kind == .server || serverResponsesPending == 0
    }

    private func passOn(_ bytes: ByteBuffer) {
        passedSinceReadComplete = true
        context?.fireChannelRead(wrapInboundOut(bytes))
    }

    private func holdReading(_ hold: Bool) {
        guard hold != readingPaused, let channel = context?.channel else { return }
        readingPaused = hold
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: !hold)
        if !hold { channel.read() }
    }

    private func refuseBody(_ call: ProxyCall, bodyFollows: Bool) {
        closeAfterResponse = true
        if bodyFollows { state = .draining }
        writeAnswer(engine.bodyTooLarge(call))
    }

    private func decide(_ call: ProxyCall, body: ByteBuffer) {
        switch engine.decide(call, body: body) {
        case .respond(let response):
            writeAnswer(response)
        case .forward(let plan):
            guard let pool else { return }
            let exchange = ProxyExchange(engine: engine, plan: plan, pool: pool, client: self)
            state = .exchanging(exchange)
            exchange.start()
        }
    }

    /// The API server finished a response (seen by `ServerResponseWatch`).
    func serverResponseEnded() {
        serverResponsesPending = max(0, serverResponsesPending - 1)
        guard serverResponsesPending == 0, let context else { return }
        // Not from inside the server's write: the next request is taken in a moment.
        context.eventLoop.assumeIsolated().execute { [self] in readRequests() }
    }

    // MARK: Writing to the client

    private func writeAnswer(_ response: ProxyResponse) {
        if case .draining = state {} else { state = .exchanging(nil) }
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

    /// The head of an answer TokenLens made itself.
    private func writeHead(status: Int, headers: HTTPHeaders) {
        guard let context else { return }
        startResponse(status: status, hasLength: headers.contains(name: "content-length"))
        var head = context.channel.allocator.buffer(capacity: 0)
        head.writeProxyResponseHead(status: status, headers: headers, chunked: chunkedResponse, close: closeAfterResponse)
        context.write(wrapOutboundOut(head), promise: nil)
    }

    /// After a response: close if asked to, let a held shutdown through, or take the next request.
    private func responseEnded() {
        guard let context else { return }
        // Refused mid-body: the connection closes at the body's end (`readRequests`).
        if case .draining = state { return }
        state = .idle
        if closeAfterResponse {
            context.close(promise: nil)
            return
        }
        if quiesceHeld {
            quiesceHeld = false
            quiesce(context: context)
            return
        }
        readRequests()
    }

    // MARK: Events

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
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .exchanging(let exchange?) = state { exchange.clientWritable(context.channel.isWritable) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch state {
        case .reading, .exchanging, .draining:
            // Shutting down: the answer in progress is finished first.
            closeAfterResponse = true
            quiesceHeld = true
        case .idle:
            quiesce(context: context)
        }
    }

    /// Shutting down between requests: the API server closes a connection it is answering
    /// on once done; one that only carried proxied calls may not have the server's handlers
    /// at all, and is closed here.
    private func quiesce(context: ChannelHandlerContext) {
        if serverResponsesPending > 0 {
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        } else {
            context.close(promise: nil)
        }
    }
}

extension ProxyChannelHandler: ProxyResponseWriter {
    func writeHead(status: Int, forwarding upstream: UpstreamResponseHead, keepLength: Bool, adding added: CallHeaders) {
        guard let context else { return }
        startResponse(status: status, hasLength: keepLength && upstream.contains(name: "content-length"))
        headBuffer.clear()
        headBuffer.writeProxyResponseHead(status: status, forwarding: upstream, keepLength: keepLength, adding: added,
                                          chunked: chunkedResponse, close: closeAfterResponse)
        context.write(wrapOutboundOut(headBuffer), promise: nil)
    }

    private func startResponse(status: Int, hasLength: Bool) {
        bodylessResponse = requestIsHEAD || status == 204 || status == 304 || status < 200
        chunkedResponse = !bodylessResponse && !clientIsHTTP10 && !hasLength
    }

    func writeBody(_ buffer: ByteBuffer) {
        // An empty chunk would end a chunked body.
        guard let context, !bodylessResponse, buffer.readableBytes > 0 else { return }
        if chunkedResponse {
            var sizeLine = context.channel.allocator.buffer(capacity: 18)
            sizeLine.writeChunkSizeLine(buffer.readableBytes)
            context.write(wrapOutboundOut(sizeLine), promise: nil)
            context.write(wrapOutboundOut(buffer), promise: nil)
            context.write(wrapOutboundOut(Self.lineBreak), promise: nil)
        } else {
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
    }

    private static let lineBreak = ByteBuffer(string: "\r\n")
    private static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    func flush() {
        context?.flush()
    }

    func endResponse(then work: () -> Void) {
        if chunkedResponse {
            chunkedResponse = false
            context?.write(wrapOutboundOut(Self.lastChunk), promise: nil)
        }
        context?.flush()
        work()
        responseEnded()
    }

    func abortConnection() {
        context?.flush()
        context?.close(promise: nil)
    }

    func send(_ response: ProxyResponse) {
        writeAnswer(response)
    }
}

/// Watches the API server's responses go out (it sits where they are still HTTP parts) and
/// tells the proxy handler when each ends, so a proxied request held behind them can start.
final class ServerResponseWatch: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private weak var proxy: ProxyChannelHandler?

    init(proxy: ProxyChannelHandler?) {
        self.proxy = proxy
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let ended = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if ended { proxy?.serverResponseEnded() }
    }
}

/// Puts the proxy handler at the front of a new connection's pipeline, where the bytes
/// arrive before any HTTP parsing.
public enum ProxyFrontInstaller {
    public static func install(engine: ProxyEngine, on channel: any Channel) throws {
        try channel.pipeline.syncOperations.addHandler(ProxyChannelHandler(engine: engine), position: .first)
    }
}

/// Added by the server where it puts extra handlers (after its HTTP-types codec, once a
/// request for it has been parsed): puts a `ServerResponseWatch` in front of that codec, then
/// removes itself.
public final class ServerResponseWatchInstaller: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    public init() {}

    public func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        let watch = ServerResponseWatch(proxy: try? pipeline.handler(type: ProxyChannelHandler.self))
        if let codec = try? pipeline.context(handlerType: HTTP1ToHTTPServerCodec.self) {
            try? pipeline.addHandler(watch, position: .before(codec.handler))
        } else {
            try? pipeline.addHandler(watch, position: .after(self))
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}
