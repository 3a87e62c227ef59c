import NIOCore
import NIOHTTP1
import Providers

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
        case head(HTTPResponseHead)
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
    /// A chunk-size line with extensions, or one trailer field.
    static let maxLineBytes = 8 * 1024

    private enum State {
        /// No response is expected: any byte now is unexpected.
        case idle
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        /// The line break after a chunk's data.
        case chunkEnd
        case trailers
        case untilClose
        /// The response is complete; `next()` says so once.
        case complete
    }

    private var state = State.idle
    private var buffered = ByteBuffer()
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
        if case .untilClose = state { return true } else { return false }
    }

    /// Bytes were received that no expected response accounts for.
    var hasUnexpectedBytes: Bool {
        if case .idle = state { return buffered.readableBytes > 0 } else { return false }
    }

    mutating func append(_ bytes: ByteBuffer) {
        if buffered.readableBytes == 0 {
            // The usual case: the whole read is taken as it is, and body slices share it.
            buffered = bytes
        } else {
            var bytes = bytes
            buffered.writeBuffer(&bytes)
        }
    }

    /// The next part of the response, or nil when more bytes are needed (or none is expected).
    mutating func next() throws(ParseError) -> Event? {
        while true {
            switch state {
            case .idle:
                return nil
            case .complete:
                state = .idle
                releaseIfEmpty()
                return .end
            case .head:
                guard let head = try readHead() else { return nil }
                if let head { return .head(head) }
                // An interim (1xx) response: the final one follows.
            case .fixed(let remaining):
                guard let slice = readBody(upTo: remaining) else { return nil }
                state = slice.readableBytes == remaining ? .complete : .fixed(remaining: remaining - slice.readableBytes)
                return .body(slice)
            case .chunkData(let remaining):
                guard let slice = readBody(upTo: remaining) else { return nil }
                state = slice.readableBytes == remaining ? .chunkEnd : .chunkData(remaining: remaining - slice.readableBytes)
                return .body(slice)
            case .chunkSize:
                guard let size = try readLine(parsing: Self.chunkSize) else { return nil }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkEnd:
                guard let empty = try readLine(parsing: { $0.isEmpty }) else { return nil }
                guard empty else { throw .badChunk }
                state = .chunkSize
            case .trailers:
                // Trailer fields are read past: nothing in TokenLens uses them.
                guard let empty = try readLine(parsing: { $0.isEmpty }) else { return nil }
                if empty { state = .complete }
            case .untilClose:
                guard let slice = readBody(upTo: .max) else { return nil }
                return .body(slice)
            }
        }
    }

    /// Up to `limit` buffered body bytes, or nil when none are buffered.
    private mutating func readBody(upTo limit: Int) -> ByteBuffer? {
        let count = min(limit, buffered.readableBytes)
        guard count > 0 else { return nil }
        let slice = buffered.readSlice(length: count)
        releaseIfEmpty()
        return slice
    }

    /// Drops the reference to a read's storage once all of it is handed on, so the slices
    /// given out are its only owners.
    private mutating func releaseIfEmpty() {
        if buffered.readableBytes == 0, buffered.capacity > 0 { buffered = ByteBuffer() }
    }

    // MARK: Lines

    /// Reads one line (without its CR LF or bare LF) and parses it, or returns nil when the
    /// line is not complete yet.
    private mutating func readLine<T>(parsing parse: (UnsafeRawBufferPointer) throws(ParseError) -> T) throws(ParseError) -> T? {
        let found = buffered.withUnsafeReadableBytes { bytes -> (Result<T, ParseError>, consumed: Int)? in
            guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            var end = newline
            if end > 0, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[..<end])
            do throws(ParseError) {
                return (.success(try parse(line)), newline + 1)
            } catch {
                return (.failure(error), newline + 1)
            }
        }
        guard let found else {
            if buffered.readableBytes > Self.maxLineBytes { throw .badChunk }
            return nil
        }
        buffered.moveReaderIndex(forwardBy: found.consumed)
        releaseIfEmpty()
        return try found.0.get()
    }

    private static func chunkSize(_ line: UnsafeRawBufferPointer) throws(ParseError) -> Int {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                // Chunk extensions (and the blanks allowed before them) carry nothing TokenLens uses.
                guard digits > 0 else { throw .badChunk }
                return size
            default:
                throw .badChunk
            }
            digits += 1
            guard digits <= 15 else { throw .badChunk }
            size = size << 4 | value
        }
        guard digits > 0 else { throw .badChunk }
        return size
    }

    // MARK: Head

    /// Reads a complete head: the final response's head, nil inside `.some` for an interim
    /// response that was skipped, or nil when the head is not complete yet.
    private mutating func readHead() throws(ParseError) -> HTTPResponseHead?? {
        let parsed = buffered.withUnsafeReadableBytes { bytes -> (Result<ParsedHead, ParseError>, consumed: Int)? in
            guard let length = Self.headLength(bytes) else { return nil }
            do throws(ParseError) {
                return (.success(try ParsedHead(UnsafeRawBufferPointer(rebasing: bytes[..<length]))), length)
            } catch {
                return (.failure(error), length)
            }
        }
        guard let parsed else {
            if buffered.readableBytes > Self.maxHeadBytes { throw .headTooLarge(limit: Self.maxHeadBytes) }
            return nil
        }
        buffered.moveReaderIndex(forwardBy: parsed.consumed)
        releaseIfEmpty()
        let head = try parsed.0.get()
        let status = head.head.status.code
        if status < 200 {
            guard status != 101 else { throw .switchingProtocols }
            return .some(nil)
        }
        keepsAlive = head.keepsAlive
        if requestWasHEAD || status == 204 || status == 304 {
            state = .complete
        } else if head.chunked {
            state = .chunkSize
        } else if head.transferEncoded {
            // A transfer coding other than chunked last: the body ends with the connection.
            state = .untilClose
            keepsAlive = false
        } else if let length = head.contentLength {
            state = length == 0 ? .complete : .fixed(remaining: length)
        } else {
            state = .untilClose
            keepsAlive = false
        }
        return .some(head.head)
    }

    /// The length of the head up to and including the empty line that ends it.
    private static func headLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let next = newline + 1
            guard next < bytes.endIndex else { return nil }
            if bytes[next] == UInt8(ascii: "\n") { return next + 1 }
            if bytes[next] == UInt8(ascii: "\r") {
                guard next + 1 < bytes.endIndex else { return nil }
                if bytes[next + 1] == UInt8(ascii: "\n") { return next + 2 }
            }
            start = next
        }
        return nil
    }
}

/// A response head with what framing it declares.
private struct ParsedHead {
    var head: HTTPResponseHead
    var contentLength: Int?
    var chunked = false
    var transferEncoded = false
    var keepsAlive: Bool

    init(_ bytes: UnsafeRawBufferPointer) throws(UpstreamResponseParser.ParseError) {
        var lines = HeadLines(bytes)
        guard let statusLine = lines.next() else { throw .malformedStatusLine }
        let (version, status) = try Self.statusLine(UnsafeRawBufferPointer(rebasing: statusLine))
        var headers = HTTPHeaders()
        var closeToken = false
        var keepAliveToken = false
        var contentLength: Int?
        var lengthConflict = false
        while let line = lines.next() {
            guard !line.isEmpty else { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(Self.isTokenByte) else {
                // Covers folded lines too (they start with a blank), which RFC 9112 lets a client reject.
                throw .malformedHeader
            }
            var valueStart = colon + 1
            var valueEnd = line.endIndex
            while valueStart < valueEnd, line[valueStart] == UInt8(ascii: " ") || line[valueStart] == UInt8(ascii: "\t") { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == UInt8(ascii: " ") || line[valueEnd - 1] == UInt8(ascii: "\t") { valueEnd -= 1 }
            let valueBytes = UnsafeRawBufferPointer(rebasing: line[valueStart..<valueEnd])
            guard !valueBytes.contains(where: { $0 == UInt8(ascii: "\r") || $0 == 0 }) else { throw .malformedHeader }
            let nameBytes = UnsafeRawBufferPointer(rebasing: line[line.startIndex..<colon])
            if nameBytes.equalsIgnoringASCIICase("content-length") {
                guard let length = Self.contentLength(valueBytes) else { throw .badContentLength }
                if let earlier = contentLength, earlier != length { lengthConflict = true }
                contentLength = length
            } else if nameBytes.equalsIgnoringASCIICase("transfer-encoding") {
                transferEncoded = true
                // Only the last coding decides the framing (RFC 9112, 6.3).
                chunked = Self.lastToken(valueBytes).map { $0.equalsIgnoringASCIICase("chunked") } ?? false
            } else if nameBytes.equalsIgnoringASCIICase("connection") {
                Self.forEachToken(valueBytes) { token in
                    if token.equalsIgnoringASCIICase("close") { closeToken = true }
                    if token.equalsIgnoringASCIICase("keep-alive") { keepAliveToken = true }
                }
            }
            headers.add(name: String(decoding: nameBytes, as: UTF8.self), value: String(decoding: valueBytes, as: UTF8.self))
        }
        if lengthConflict { throw .badContentLength }
        self.contentLength = contentLength
        // A length next to a transfer coding is ignored, and the connection is not trusted after it.
        keepsAlive = (version.minor >= 1 ? !closeToken : keepAliveToken && !closeToken) && !(transferEncoded && contentLength != nil)
        head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: headers)
    }

    private static func statusLine(_ line: UnsafeRawBufferPointer) throws(UpstreamResponseParser.ParseError) -> (HTTPVersion, Int) {
        // "HTTP/1.1 200" and then, optionally, a blank and a reason phrase.
        guard line.count >= 12, line.starts(with: "HTTP/1.".utf8), line[8] == UInt8(ascii: " ") else { throw .malformedStatusLine }
        let minor = line[7]
        guard minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else { throw .malformedStatusLine }
        var status = 0
        for index in 9..<12 {
            let byte = line[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .malformedStatusLine }
            status = status * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard status >= 100, line.count == 12 || line[12] == UInt8(ascii: " ") else { throw .malformedStatusLine }
        return (HTTPVersion(major: 1, minor: Int(minor - UInt8(ascii: "0"))), status)
    }

    /// A Content-Length value: digits, or a list of one repeated value (RFC 9110, 8.6).
    private static func contentLength(_ value: UnsafeRawBufferPointer) -> Int? {
        var result: Int?
        var failed = false
        forEachToken(value) { token in
            var number = 0
            guard !token.isEmpty, token.count <= 18,
                  token.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                failed = true
                return
            }
            for digit in token { number = number * 10 + Int(digit - UInt8(ascii: "0")) }
            if let result, result != number { failed = true }
            result = number
        }
        return failed ? nil : result
    }

    private static func lastToken(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var last: UnsafeRawBufferPointer?
        forEachToken(value) { last = $0 }
        return last
    }

    /// Each comma-separated element of a list value, without blanks around it; empty ones skipped.
    private static func forEachToken(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var elementStart = value.startIndex
        while elementStart <= value.endIndex {
            let elementEnd = value[elementStart...].firstIndex(of: UInt8(ascii: ",")) ?? value.endIndex
            var start = elementStart
            var end = elementEnd
            while start < end, value[start] == UInt8(ascii: " ") || value[start] == UInt8(ascii: "\t") { start += 1 }
            while end > start, value[end - 1] == UInt8(ascii: " ") || value[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            if start < end { body(UnsafeRawBufferPointer(rebasing: value[start..<end])) }
            elementStart = elementEnd + 1
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

/// The lines of a head, each without its CR LF (or bare LF).
private struct HeadLines {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    mutating func next() -> UnsafeRawBufferPointer.SubSequence? {
        guard position < bytes.endIndex else { return nil }
        let newline = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        var end = newline
        if end > position, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = bytes[position..<end]
        position = min(newline + 1, bytes.endIndex)
        return line
    }
}
