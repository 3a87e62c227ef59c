import NIOCore
import NIOHTTP1

extension ByteBuffer {
    /// Writes `head` as it goes to a provider: the request line, every header as given (the
    /// engine has set the host and the body's length) and the empty line.
    mutating func writeUpstreamRequestHead(_ head: HTTPRequestHead) {
        var size = head.method.rawValue.utf8.count + head.uri.utf8.count + 14
        for (name, value) in head.headers { size += name.utf8.count + value.utf8.count + 4 }
        reserveCapacity(minimumWritableBytes: size)
        writeString(head.method.rawValue)
        writeInteger(UInt8(ascii: " "))
        writeString(head.uri)
        writeStaticString(head.version.minor == 0 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n")
        for (name, value) in head.headers {
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
        writeStaticString("\r\n")
    }
}
