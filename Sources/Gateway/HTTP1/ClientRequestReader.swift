import NIOCore
import NIOHTTP1

/// Splits what a client sends on one connection into requests. A `/proxy/*` request is read
/// here: its head parsed once into what the proxy needs, its body unframed into slices of the
/// bytes read. Every other request goes on to the HTTP server behind, byte for byte (framing
/// included), and after a request to switch protocols (the live feed's WebSocket) every byte
/// does. Bytes this reader cannot make sense of go to the server too, whose parser refuses
/// them as it always did.
///
/// Pulled like `UpstreamResponseParser`: `append`, then `next(mayStart:)` until nil. A new
/// request begins only when `mayStart` allows its kind, so a connection's answers keep the
/// order of its requests.
struct ClientRequestReader {
    enum Kind {
        case proxied
        case server
    }

    struct ProxiedRequest {
        var head: ProxyRequestHead
        var keepAlive: Bool
        var isHEAD: Bool
        var minorVersion: Int
        var expectsContinue: Bool
        var contentLength: Int?
    }

    enum Event {
        case proxied(ProxiedRequest)
        /// A piece of the proxied request's body.
        case body(ByteBuffer)
        /// The proxied request is complete.
        case end
        /// A request for the server begins: its head's bytes, to pass on.
        case serverRequest(ByteBuffer)
        /// More bytes for the server.
        case pass(ByteBuffer)
        /// The proxied request's body cannot be read (broken chunks, or a transfer coding other
        /// than chunked): nothing more can be read on this connection.
        case malformed
    }

    static let maxHeadBytes = 64 * 1024

    private enum State {
        case head
        case proxiedBody
        case serverBody
        case transparent
        /// A proxied request's body is in a transfer coding other than chunked.
        case unreadableBody
        case failed
    }

    private var state = State.head
    private var body = BodyReader(.length(0))
    private var input = ReadBuffer()

    mutating func append(_ bytes: ByteBuffer) {
        input.append(bytes)
    }

    /// Bytes received and not yet handed out (requests waiting for their turn).
    var bufferedBytes: Int { input.count }

    mutating func next(mayStart: (Kind) -> Bool) -> Event? {
        defer { input.releaseIfEmpty() }
        while true {
            switch state {
            case .failed:
                return nil
            case .unreadableBody:
                state = .failed
                return .malformed
            case .transparent:
                guard let bytes = input.bytes.readBody(upTo: .max) else { return nil }
                return .pass(bytes)
            case .proxiedBody:
                let step: BodyReader.Step?
                do { step = try body.next(from: &input.bytes) } catch {
                    state = .failed
                    return .malformed
                }
                switch step {
                case nil: return nil
                case .data(let slice)?: return .body(slice)
                case .end?:
                    state = .head
                    return .end
                }
            case .serverBody:
                let start = input.bytes.readerIndex
                var ended = false
                do {
                    while let step = try body.next(from: &input.bytes) {
                        if case .end = step {
                            ended = true
                            break
                        }
                    }
                } catch {
                    // The server's own parser will refuse what follows.
                    input.bytes.moveReaderIndex(to: start)
                    state = .transparent
                    continue
                }
                let consumed = input.bytes.readerIndex - start
                if ended { state = .head }
                if consumed > 0 {
                    // What the reader went through, framing and all, is what the server gets.
                    input.bytes.moveReaderIndex(to: start)
                    return .pass(input.bytes.readSlice(length: consumed)!)
                }
                if !ended { return nil }
            case .head:
                // Empty lines before a request line are to be ignored (RFC 9112, 2.2): some
                // clients send one after a body.
                while let first = input.bytes.readableBytesView.first, first == UInt8(ascii: "\r") || first == UInt8(ascii: "\n") {
                    input.bytes.moveReaderIndex(forwardBy: 1)
                }
                let parsed = input.bytes.withUnsafeReadableBytes { bytes -> (Parsed, length: Int)? in
                    guard let length = HeadFields.headLength(bytes) else { return nil }
                    return (Parsed(UnsafeRawBufferPointer(rebasing: bytes[..<length])), length)
                }
                guard let parsed else {
                    if input.count > Self.maxHeadBytes {
                        state = .transparent
                        continue
                    }
                    return nil
                }
                switch parsed.0 {
                case .unreadable:
                    state = .transparent
                case .proxied(let request, let framing):
                    guard mayStart(.proxied) else { return nil }
                    input.bytes.moveReaderIndex(forwardBy: parsed.length)
                    if let framing {
                        body = BodyReader(framing)
                        state = .proxiedBody
                    } else {
                        // The head is answered (a refusal), its unreadable body is the end.
                        state = .unreadableBody
                    }
                    return .proxied(request)
                case .server(let framing):
                    guard mayStart(.server) else { return nil }
                    let head = input.bytes.readSlice(length: parsed.length)!
                    if let framing {
                        body = BodyReader(framing)
                        state = .serverBody
                    } else {
                        state = .transparent
                    }
                    return .serverRequest(head)
                }
            }
        }
    }
}

/// What a complete request head is.
private enum Parsed {
    /// A `/proxy/` request, and its body's framing (nil: a transfer coding the proxy cannot read).
    case proxied(ClientRequestReader.ProxiedRequest, BodyReader.Framing?)
    /// A request for the server, and its body's framing (nil: everything after it goes to the
    /// server, as after a protocol upgrade).
    case server(BodyReader.Framing?)
    case unreadable

    init(_ bytes: UnsafeRawBufferPointer) {
        var lines = HeadLines(bytes)
        guard let requestLine = lines.next().map(UnsafeRawBufferPointer.init(rebasing:)),
              let line = RequestLine(requestLine),
              let fields = try? HeadFields(&lines) else {
            self = .unreadable
            return
        }
        let framing: BodyReader.Framing? = if fields.chunked {
            .chunked
        } else if fields.transferEncoded {
            nil
        } else {
            .length(fields.contentLength ?? 0)
        }
        let target = UnsafeRawBufferPointer(rebasing: requestLine[line.target])
        // A proxied request asking to upgrade (curl --http2 asks for h2c) is proxied as it is:
        // the proxy never switches protocols, and Upgrade stops at it like every hop-by-hop header.
        guard target.starts(with: ProxyRoute.prefix.utf8), line.method != "CONNECT" else {
            self = .server(fields.upgrade || line.method == "CONNECT" ? nil : framing)
            return
        }
        let query = target.firstIndex(of: UInt8(ascii: "?"))
        let path = String(decoding: UnsafeRawBufferPointer(rebasing: target[..<(query ?? target.endIndex)]), as: UTF8.self)
        let head = ProxyRequestHead(
            method: line.method, path: path,
            query: query.map { String(decoding: UnsafeRawBufferPointer(rebasing: target[($0 + 1)...]), as: UTF8.self) },
            headers: fields.headers(in: bytes))
        // A length beside a transfer coding is how requests are smuggled: the connection ends after this one.
        let keepAlive = fields.keepsAlive(minor: line.minor) && !(fields.transferEncoded && fields.contentLength != nil)
        self = .proxied(ClientRequestReader.ProxiedRequest(
            head: head, keepAlive: keepAlive, isHEAD: line.method == "HEAD", minorVersion: line.minor,
            expectsContinue: fields.expectsContinue, contentLength: fields.transferEncoded ? nil : fields.contentLength),
            framing)
    }
}

/// `METHOD SP request-target SP HTTP/1.x`.
private struct RequestLine {
    var method: String
    var target: Range<Int>
    var minor: Int

    init?(_ line: UnsafeRawBufferPointer) {
        guard let firstSpace = line.firstIndex(of: UInt8(ascii: " ")), firstSpace > 0,
              line[..<firstSpace].allSatisfy(HTTPBytes.isToken),
              let lastSpace = line.lastIndex(of: UInt8(ascii: " ")), lastSpace > firstSpace + 1,
              line.count - lastSpace - 1 == 8 else { return nil }
        let version = UnsafeRawBufferPointer(rebasing: line[(lastSpace + 1)...])
        guard version.starts(with: "HTTP/1.".utf8), version[7] == UInt8(ascii: "0") || version[7] == UInt8(ascii: "1") else {
            return nil
        }
        let target = (firstSpace + 1)..<lastSpace
        guard line[target].allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return nil }
        method = String(decoding: UnsafeRawBufferPointer(rebasing: line[..<firstSpace]), as: UTF8.self)
        self.target = target
        minor = Int(version[7] - UInt8(ascii: "0"))
    }
}
