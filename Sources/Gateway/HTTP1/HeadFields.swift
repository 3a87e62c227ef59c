import NIOCore
import NIOHTTP1
import Providers

/// The header fields of an HTTP/1 message head, and what they say about the message's
/// framing and the connection (RFC 9112): parsed from the lines after the start line. The
/// fields stay where they are, as ranges of the head's bytes: a response passing through is
/// written on from them, and only a request becomes `HTTPHeaders`.
struct HeadFields {
    enum Failure: Error {
        case malformedHeader
        case badContentLength
    }

    /// One field line: its name and its value (blanks around it removed), as offsets into
    /// the bytes the head was parsed from.
    struct Field {
        var name: Range<Int>
        var value: Range<Int>
    }

    private(set) var fields: [Field] = []
    var contentLength: Int?
    /// A `Transfer-Encoding` header is present.
    var transferEncoded = false
    /// The last transfer coding is chunked.
    var chunked = false
    var closeToken = false
    var keepAliveToken = false
    var upgrade = false
    var expectsContinue = false

    init(_ lines: inout HeadLines) throws(Failure) {
        var lengthConflict = false
        fields.reserveCapacity(16)
        while let line = lines.next() {
            guard !line.isEmpty else { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(HTTPBytes.isToken) else {
                // Covers folded lines too (they start with a blank), which RFC 9112 lets a reader reject.
                throw .malformedHeader
            }
            var valueStart = colon + 1
            var valueEnd = line.endIndex
            while valueStart < valueEnd, HTTPBytes.isBlank(line[valueStart]) { valueStart += 1 }
            while valueEnd > valueStart, HTTPBytes.isBlank(line[valueEnd - 1]) { valueEnd -= 1 }
            let value = UnsafeRawBufferPointer(rebasing: line[valueStart..<valueEnd])
            guard !value.contains(where: { $0 == UInt8(ascii: "\r") || $0 == 0 }) else { throw .malformedHeader }
            let name = UnsafeRawBufferPointer(rebasing: line[line.startIndex..<colon])
            switch name.count {
            case 14 where name.equalsIgnoringASCIICase("content-length"):
                guard let length = Self.contentLength(value) else { throw .badContentLength }
                if let earlier = contentLength, earlier != length { lengthConflict = true }
                contentLength = length
            case 17 where name.equalsIgnoringASCIICase("transfer-encoding"):
                transferEncoded = true
                // Only the last coding decides the framing (RFC 9112, 6.3).
                var last: UnsafeRawBufferPointer?
                HTTPBytes.forEachListElement(value) { last = $0 }
                chunked = last?.equalsIgnoringASCIICase("chunked") ?? false
            case 10 where name.equalsIgnoringASCIICase("connection"):
                HTTPBytes.forEachListElement(value) { token in
                    if token.equalsIgnoringASCIICase("close") { closeToken = true }
                    if token.equalsIgnoringASCIICase("keep-alive") { keepAliveToken = true }
                }
            case 7 where name.equalsIgnoringASCIICase("upgrade"):
                upgrade = true
            case 6 where name.equalsIgnoringASCIICase("expect"):
                if value.equalsIgnoringASCIICase("100-continue") { expectsContinue = true }
            default:
                break
            }
            fields.append(Field(name: line.startIndex..<colon, value: valueStart..<valueEnd))
        }
        if lengthConflict { throw .badContentLength }
    }

    /// The fields as `HTTPHeaders`, read from the bytes the head was parsed from.
    func headers(in bytes: UnsafeRawBufferPointer) -> HTTPHeaders {
        Self.headers(fields, in: bytes)
    }

    static func headers(_ fields: [Field], in bytes: UnsafeRawBufferPointer) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count)
        for field in fields {
            headers.add(name: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field.name]), as: UTF8.self),
                        value: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field.value]), as: UTF8.self))
        }
        return headers
    }

    /// Whether the connection stays open after this message, for an HTTP/1.`minor` message.
    func keepsAlive(minor: Int) -> Bool {
        minor >= 1 ? !closeToken : keepAliveToken && !closeToken
    }

    /// A Content-Length value: digits, or a list of one repeated value (RFC 9110, 8.6).
    private static func contentLength(_ value: UnsafeRawBufferPointer) -> Int? {
        var result: Int?
        var failed = false
        HTTPBytes.forEachListElement(value) { token in
            guard token.count <= 18, token.allSatisfy(HTTPBytes.isDigit) else {
                failed = true
                return
            }
            let number = token.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            if let result, result != number { failed = true }
            result = number
        }
        return failed ? nil : result
    }

    /// The length of a head up to and including the empty line that ends it, or nil when
    /// that line has not arrived.
    static func headLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
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

/// The lines of a head, each without its CR LF (or bare LF).
struct HeadLines {
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

/// Byte classes of HTTP/1 syntax (RFC 9110, 5.6).
enum HTTPBytes {
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isToken(_ byte: UInt8) -> Bool {
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

    /// Each comma-separated element of a list value, without the blanks around it; empty ones skipped.
    static func forEachListElement(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var elementStart = value.startIndex
        while elementStart <= value.endIndex {
            let elementEnd = value[elementStart...].firstIndex(of: UInt8(ascii: ",")) ?? value.endIndex
            var start = elementStart
            var end = elementEnd
            while start < end, isBlank(value[start]) { start += 1 }
            while end > start, isBlank(value[end - 1]) { end -= 1 }
            if start < end { body(UnsafeRawBufferPointer(rebasing: value[start..<end])) }
            elementStart = elementEnd + 1
        }
    }
}
