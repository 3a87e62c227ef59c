import Providers

/// The parts of a proxy path: `/proxy/{provider}[+{source}]/{upstream path}`.
public struct ProxyRoute: Sendable, Equatable {
    /// The provider segment as written, e.g. `openai` (kept even when unknown, for the error).
    public var providerName: String
    public var provider: Provider?
    /// A source named in the URL, for tools that can only set a base URL.
    public var source: String?
    /// The rest of the path, starting with `/` (or empty), passed to the upstream unchanged.
    public var upstreamPath: String

    public static let prefix = "/proxy/"

    /// Nil when `path` is not under `/proxy/`.
    public init?(path: String) {
        // On UTF-8: every separator is ASCII, and this runs for each proxied request.
        let utf8 = path.utf8
        guard utf8.starts(with: Self.prefix.utf8) else { return nil }
        let rest = utf8.dropFirst(Self.prefix.utf8.count)
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let segment = rest[..<slash]
        upstreamPath = String(Substring(rest[slash...]))
        if let plus = segment.firstIndex(of: UInt8(ascii: "+")) {
            providerName = String(Substring(segment[..<plus]))
            let name = String(Substring(segment[segment.index(after: plus)...])).removingPercentEncodingLoosely
            source = name.isEmpty ? nil : name
        } else {
            providerName = String(Substring(segment))
            source = nil
        }
        provider = Provider(rawValue: providerName) ?? Provider(rawValue: providerName.lowercased())
    }
}

extension String {
    /// Decodes `%XX` escapes, leaving malformed ones as written.
    var removingPercentEncodingLoosely: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        let utf8 = Array(self.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
               let value = UInt8(String(decoding: utf8[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
