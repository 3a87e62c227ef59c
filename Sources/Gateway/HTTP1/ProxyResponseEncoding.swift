import NIOCore
import NIOHTTP1

extension ByteBuffer {
    /// A response head as the proxy sends it: the status line, the headers as given, and
    /// what the connection needs (chunked framing for a body of unknown length, a close).
    mutating func writeProxyResponseHead(status: Int, headers: HTTPHeaders, chunked: Bool, close: Bool) {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        reserveCapacity(minimumWritableBytes: 64 + reason.utf8.count + Self.size(of: headers))
        writeStatusLine(status, reason: reason)
        writeFields(headers)
        writeHeadEnd(chunked: chunked, close: close)
    }

    /// A response head passing a provider's answer on: its header lines copied from the bytes
    /// they arrived in, except those `ForwardedHeaders.reachesClient` stops, then `added`.
    mutating func writeProxyResponseHead(status: Int, forwarding head: UpstreamResponseHead, keepLength: Bool,
                                         adding added: CallHeaders, chunked: Bool, close: Bool) {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        reserveCapacity(minimumWritableBytes: 128 + reason.utf8.count + head.bytes.readableBytes
                                              + added.requestID.utf8.count + added.policyVersion.utf8.count)
        writeStatusLine(status, reason: reason)
        head.forEachField { name, value in
            guard ForwardedHeaders.reachesClient(name, keepLength: keepLength) else { return }
            writeBytes(name)
            writeStaticString(": ")
            writeBytes(value)
            writeStaticString("\r\n")
        }
        writeString(ProxyEngine.requestIDHeader)
        writeStaticString(": ")
        writeString(added.requestID)
        writeStaticString("\r\n")
        writeString(ProxyEngine.policyHeader)
        writeStaticString(": ")
        writeString(added.policyVersion)
        writeStaticString("\r\n")
        writeHeadEnd(chunked: chunked, close: close)
    }

    private static func size(of headers: HTTPHeaders) -> Int {
        headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }

    private mutating func writeStatusLine(_ status: Int, reason: String) {
        writeStaticString("HTTP/1.1 ")
        writeDecimal(status)
        writeInteger(UInt8(ascii: " "))
        writeString(reason)
        writeStaticString("\r\n")
    }

    private mutating func writeFields(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
    }

    /// What the connection needs (chunked framing for a body of unknown length, a close), and
    /// the empty line.
    private mutating func writeHeadEnd(chunked: Bool, close: Bool) {
        if chunked { writeStaticString("transfer-encoding: chunked\r\n") }
        if close { writeStaticString("connection: close\r\n") }
        writeStaticString("\r\n")
    }

    /// The line that opens a chunk of `size` bytes.
    mutating func writeChunkSizeLine(_ size: Int) {
        var digits = 1
        while size >> (4 * digits) > 0 { digits += 1 }
        for shift in stride(from: 4 * (digits - 1), through: 0, by: -4) {
            let digit = UInt8((size >> shift) & 0xF)
            writeInteger(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
        writeStaticString("\r\n")
    }

    private mutating func writeDecimal(_ value: Int) {
        if value >= 10 { writeDecimal(value / 10) }
        writeInteger(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
