/// Where a provider's base URL points: scheme, host, port and a path prefix.
struct UpstreamEndpoint: Hashable, Sendable {
    var secure: Bool
    var host: String
    var port: Int
    /// The base URL's path without a trailing slash ("" for none), put before every request path.
    var basePath: String
    /// The `Host` header: the authority as the base URL wrote it.
    var authority: String

    init?(baseURL: String) {
        let rest: Substring
        if baseURL.utf8.count > 8, baseURL.prefix(8).lowercased() == "https://" {
            secure = true
            rest = baseURL.dropFirst(8)
        } else if baseURL.prefix(7).lowercased() == "http://" {
            secure = false
            rest = baseURL.dropFirst(7)
        } else {
            return nil
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let hostPort = rest[..<slash]
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        authority = String(hostPort)
        let defaultPort = secure ? 443 : 80
        if hostPort.hasPrefix("[") {
            // An IPv6 literal: [::1] or [::1]:8080.
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.isEmpty {
                port = defaultPort
            } else {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard let value = Int(hostPort[hostPort.index(after: colon)...]) else { return nil }
            port = value
        } else {
            host = String(hostPort)
            port = defaultPort
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
    }

    /// The name to present for TLS (SNI), which must not be an IP address.
    var serverName: String? {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || host.contains(":") ? nil : host
    }
}
