import NIOCore
import NIOHTTP1

/// Reads the responses of one upstream connection from the bytes it receives: HTTP/1.0 and
/// 1.1 heads, and bodies framed by `Content-Length`, by the chunked transfer coding or by the
/// end of the connection (RFC 9112, section 6). Body bytes are handed on as slices of what
/// was read, never copied. One response at a time: TokenLens never pipelines requests to a
/// provider, so bytes after a complete response are the server's error, not a next answer.
///
/// It replaces NIO's response decoder on the upstream connection, which for each response
/// also builds parser state in C, wraps each part in an enum and checks what the proxy checks
/// again anyway. It is pulled, not pushed (`append`, then `next()` until nil), so the
/// connection hands out each event while no access to the parser is in progress and the
/// receiver may close the connection or send the next request from inside its callback.
struct UpstreamResponseParser {
    enum Event {
        case head(UpstreamResponseHead)
        case body(ByteBuffer)
        case end
    }

    enum ParseError: Error, CustomStringConvertible, Equatable {
        case headTooLarge(limit: Int)
        case malformedStatusLine
        case malformedHeader
        case badContentLength
        case badChunk
        case switchingProtocols

        var description: String {
            switch self {
            case .headTooLarge(let limit): "the upstream's response head is larger than \(limit) bytes"
            case .malformedStatusLine: "the upstream sent a malformed HTTP status line"
            case .malformedHeader: "the upstream sent a malformed response header"
            case .badContentLength: "the upstream sent an invalid Content-Length"
            case .badChunk: "the upstream sent a malformed chunk in a chunked response"
            case .switchingProtocols: "the upstream switched protocols, which TokenLens never asks for"
            }
        }
    }

    static let maxHeadBytes = 64 * 1024

    private enum State {
        /// No response is expected: any byte now is unexpected.
        case idle
        case head
        case body
    }

    private var state = State.idle
    private var body = BodyReader(.length(0))
    private var input = ReadBuffer()
    private var requestWasHEAD = false
    /// Whether the connection can carry another request after this response.
    private(set) var keepsAlive = true

    /// A request was sent: its response is the next thing to read.
    mutating func expectResponse(toHEAD: Bool) {
        state = .head
        requestWasHEAD = toHEAD
        keepsAlive = true
    }

    /// The response's body runs to the end of the connection, which then completes it.
    var readsUntilClose: Bool {
        if case .body = state { return body.endsWithConnection } else { return false }
    }

    /// Bytes were received that no expected response accounts for.
    var hasUnexpectedBytes: Bool {
        if case .idle = state { return input.count > 0 } else { return false }
    }

    mutating func append(_ bytes: ByteBuffer) {
        input.append(bytes)
    }

    /// The next part of the response, or nil when more bytes are needed (or none is expected).
    mutating func next() throws(ParseError) -> Event? {
        defer { input.releaseIfEmpty() }
        while true {
            switch state {
            case .idle:
                return nil
            case .head:
                guard let head = try readHead() else { return nil }
                if let head { return .head(head) }
                // An interim (1xx) response: the final one follows.
            case .body:
                let step: BodyReader.Step?
                do { step = try body.next(from: &input.bytes) } catch { throw .badChunk }
                switch step {
                case nil: return nil
                case .data(let slice)?: return .body(slice)
                case .end?:
                    state = .idle
                    return .end
                }
            }
        }
    }

    /// Reads a complete head: the final response's head, nil inside `.some` for an interim
    /// response that was skipped, or nil when the head is not complete yet.
    private mutating func readHead() throws(ParseError) -> UpstreamResponseHead?? {
        let parsed = input.bytes.withUnsafeReadableBytes { bytes -> (Result<(status: Int, minor: Int, HeadFields), ParseError>, consumed: Int)? in
            guard let length = HeadFields.headLength(bytes) else { return nil }
            return (Result { () throws(ParseError) in try Self.head(UnsafeRawBufferPointer(rebasing: bytes[..<length])) }, length)
        }
        guard let parsed else {
            if input.count > Self.maxHeadBytes { throw .headTooLarge(limit: Self.maxHeadBytes) }
            return nil
        }
        let headBytes = input.bytes.readSlice(length: parsed.consumed) ?? ByteBuffer()
        let (status, minor, fields) = try parsed.0.get()
        if status < 200 {
            guard status != 101 else { throw .switchingProtocols }
            return .some(nil)
        }
        // A length beside a transfer coding is ignored, and the connection not trusted after it.
        keepsAlive = fields.keepsAlive(minor: minor) && !(fields.transferEncoded && fields.contentLength != nil)
        let framing: BodyReader.Framing
        if requestWasHEAD || status == 204 || status == 304 {
            framing = .length(0)
        } else if fields.chunked {
            framing = .chunked
        } else if fields.transferEncoded {
            // A transfer coding other than chunked last: the body ends with the connection.
            framing = .untilClose
        } else if let length = fields.contentLength {
            framing = .length(length)
        } else {
            framing = .untilClose
        }
        if framing == .untilClose { keepsAlive = false }
        body = BodyReader(framing)
        state = .body
        return .some(UpstreamResponseHead(status: status, bytes: headBytes, fields: fields.fields))
    }

    private static func head(_ bytes: UnsafeRawBufferPointer) throws(ParseError) -> (status: Int, minor: Int, HeadFields) {
        var lines = HeadLines(bytes)
        guard let statusLine = lines.next() else { throw .malformedStatusLine }
        let (minor, status) = try Self.statusLine(UnsafeRawBufferPointer(rebasing: statusLine))
        let fields: HeadFields
        do {
            fields = try HeadFields(&lines)
        } catch .malformedHeader {
            throw .malformedHeader
        } catch {
            throw .badContentLength
        }
        return (status, minor, fields)
    }

    /// The minor version and the status code.
    private static func statusLine(_ line: UnsafeRawBufferPointer) throws(ParseError) -> (Int, Int) {
        // "HTTP/1.1 200" and then, optionally, a blank and a reason phrase.
        guard line.count >= 12, line.starts(with: "HTTP/1.".utf8), line[8] == UInt8(ascii: " ") else { throw .malformedStatusLine }
        let minor = line[7]
        guard minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else { throw .malformedStatusLine }
        var status = 0
        for index in 9..<12 {
            guard HTTPBytes.isDigit(line[index]) else { throw .malformedStatusLine }
            status = status * 10 + Int(line[index] - UInt8(ascii: "0"))
        }
        guard status >= 100, line.count == 12 || line[12] == UInt8(ascii: " ") else { throw .malformedStatusLine }
        return (Int(minor - UInt8(ascii: "0")), status)
    }
}
