import HTTPTypes
import NIOHTTP1
import Providers

/// Which headers cross the proxy. Credentials (`Authorization`, `x-api-key`,
/// `x-goog-api-key`) are forwarded untouched and never stored; hop-by-hop headers and
/// TokenLens's own `X-TokenLens-*` headers stop here.
enum ForwardedHeaders {
    static let hopByHop: [StaticString] = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade",
        // The body is sent whole, at once: there is nothing to wait for upstream.
        "expect",
    ]

    // Names are compared in place, ASCII case folded: every call filters every header both
    // ways, and lower-casing each name into a new string cost more than the rest of it.
    static func isHopByHop(_ name: some Collection<UInt8>) -> Bool {
        hopByHop.contains { name.equalsIgnoringASCIICase($0) }
    }

    /// Calls `visit` with each client header that goes to the provider, in order: no hop-by-hop
    /// header, no host or length (the proxy sets its own), no `X-TokenLens-*`, and an
    /// `Accept-Encoding` narrowed to what TokenLens can read.
    /// - Parameter identityOnly: ask for an uncompressed body (when TokenLens must rewrite it).
    static func forEachUpstream(_ fields: HTTPHeaders, identityOnly: Bool, _ visit: (_ name: String, _ value: String) -> Void) {
        var sawAcceptEncoding = false
        for (name, value) in fields {
            if isHopByHop(name.utf8) || name.equalsIgnoringASCIICase("host") || name.equalsIgnoringASCIICase("content-length")
                || name.hasASCIIPrefixIgnoringCase("x-tokenlens-") {
                continue
            }
            if name.equalsIgnoringASCIICase("accept-encoding") {
                sawAcceptEncoding = true
                visit(name, identityOnly ? "identity" : supportedEncodings(value))
                continue
            }
            visit(name, value)
        }
        if identityOnly && !sawAcceptEncoding { visit("accept-encoding", "identity") }
    }

    /// Keeps only the encodings TokenLens can read for usage (gzip, deflate); a client asking for
    /// brotli or zstd still gets a valid, compressed answer it accepts. A value that asks for
    /// nothing else (most do) is returned as it is.
    static func supportedEncodings(_ value: String) -> String {
        var allSupported = true
        forEachCoding(in: value) { coding, _ in allSupported = allSupported && isSupported(coding) }
        if allSupported { return value }
        var kept = ""
        forEachCoding(in: value) { coding, part in
            guard isSupported(coding) else { return }
            if !kept.isEmpty { kept += ", " }
            kept += part
        }
        return kept.isEmpty ? "identity" : kept
    }

    private static func isSupported(_ coding: Substring) -> Bool {
        coding.equalsIgnoringASCIICase("gzip") || coding.equalsIgnoringASCIICase("deflate")
            || coding.equalsIgnoringASCIICase("identity") || coding.equalsIgnoringASCIICase("x-gzip")
    }

    /// Calls `visit` with each comma-separated element of an `Accept-Encoding` value: its coding
    /// name and the whole element (with any `;q=`), both without surrounding blanks.
    private static func forEachCoding(in value: String, _ visit: (_ coding: Substring, _ part: Substring) -> Void) {
        let utf8 = value.utf8
        var start = utf8.startIndex
        while true {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
            let part = value[start..<end].trimmed()
            let semicolon = part.utf8.firstIndex(of: UInt8(ascii: ";")) ?? part.endIndex
            visit(part[..<semicolon].trimmed(), part)
            guard end < utf8.endIndex else { return }
            start = utf8.index(after: end)
        }
    }

    /// Whether a provider's response header goes on to the client.
    /// - Parameter keepLength: false when TokenLens changes the body (the length would be wrong).
    static func reachesClient(_ name: some Collection<UInt8>, keepLength: Bool) -> Bool {
        !isHopByHop(name) && (keepLength || !name.equalsIgnoringASCIICase("content-length"))
    }

    /// Response headers for the client (see `reachesClient`), as `HTTPHeaders`: for answers
    /// that are kept (dedup) or held (guardrails) rather than passed through.
    static func clientResponse(_ headers: HTTPHeaders, keepLength: Bool) -> HTTPHeaders {
        var kept = HTTPHeaders()
        kept.reserveCapacity(headers.count + 3)
        for (name, value) in headers where reachesClient(name.utf8, keepLength: keepLength) {
            kept.add(name: name, value: value)
        }
        return kept
    }
}
