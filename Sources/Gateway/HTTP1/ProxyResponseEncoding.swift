import NIOCore
import NIOHTTP1

extension ByteBuffer {
    /// A response head as the proxy sends it: the status line, the headers as given, and
    /// what the connection needs (chunked framing for a body of unknown length, a close).
    mutating func writeProxyResponseHead(status: Int, headers: HTTPHeaders, chunked: Bool, close: Bool) {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        var size = 64 + reason.utf8.count
        for (name, value) in headers { size += name.utf8.count + value.utf8.count + 4 }
        reserveCapacity(minimumWritableBytes: size)
        writeStaticString("HTTP/1.1 ")
        writeDecimal(status)
        writeInteger(UInt8(ascii: " "))
        writeString(reason)
        writeStaticString("\r\n")
        for (name, value) in headers {
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
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
