import NIOCore
import NIOHTTP1

/// One attempt's request as it goes to a provider. The client's headers are kept as they
/// arrived and filtered while the head is written, so an attempt builds no header list of
/// its own.
struct UpstreamRequest {
    var method: String
    /// Path and query as the provider gets them (the provider's base path included).
    var uri: String
    /// The client's headers; `ForwardedHeaders.forEachUpstream` picks those that go on.
    var clientHeaders: HTTPHeaders
    /// Ask for an uncompressed body (when TokenLens rewrites the stream).
    var identityOnly: Bool
    /// The provider's `host` value.
    var authority: String
    /// Nil for a request without a body (its head then carries no length).
    var body: ByteBuffer?
}

extension ByteBuffer {
    /// Writes `request`'s head: the request line, the client's headers as
    /// `ForwardedHeaders` lets them through, the provider's host, the body's length and the
    /// empty line.
    mutating func writeUpstreamRequestHead(_ request: UpstreamRequest) {
        var size = request.method.utf8.count + request.uri.utf8.count + request.authority.utf8.count + 64
        for (name, value) in request.clientHeaders { size += name.utf8.count + value.utf8.count + 4 }
        reserveCapacity(minimumWritableBytes: size)
        writeString(request.method)
        writeInteger(UInt8(ascii: " "))
        writeString(request.uri)
        writeStaticString(" HTTP/1.1\r\n")
        ForwardedHeaders.forEachUpstream(request.clientHeaders, identityOnly: request.identityOnly) { name, value in
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
        // The client's host and length never go on (see `forEachUpstream`): these are the provider's.
        writeStaticString("host: ")
        writeString(request.authority)
        writeStaticString("\r\n")
        if let body = request.body {
            writeStaticString("content-length: ")
            writeString(String(body.readableBytes))
            writeStaticString("\r\n")
        }
        writeStaticString("\r\n")
    }
}
