import HTTPTypes
import Hummingbird
import Policy

/// Who may use the API. Proxy traffic never reaches this middleware (the proxy middleware
/// answers it first); everything else must:
/// - name the daemon in `Host` (127.0.0.1, localhost, ::1 or the configured host), so a web
///   page cannot reach the API through DNS rebinding;
/// - for changes (any method but GET/HEAD/OPTIONS), not come from another site
///   (`Sec-Fetch-Site`, `Origin`), and carry `Authorization: Bearer <[server] admin_token>`
///   when a token is set or the daemon listens beyond loopback.
struct AccessGuard<Context: RequestContext>: RouterMiddleware {
    let snapshots: SnapshotStore
    let boundHost: String

    static var loopbackNames: Set<String> { ["127.0.0.1", "localhost", "::1", "[::1]"] }

    var listensBeyondLoopback: Bool { !Self.loopbackNames.contains(boundHost.lowercased()) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let configuredHost = snapshots.snapshot.server.host.lowercased()
        guard let authority = request.head.authority, isAllowed(host: Self.hostname(of: authority), configured: configuredHost) else {
            return Self.refusal(.misdirectedRequest, "this API answers only requests addressed to the TokenLens daemon by its own name (Host: 127.0.0.1, localhost or the configured [server] host)")
        }
        guard Self.isMutating(request.method) else { return try await next(request, context) }
        if let site = request.headers[.secFetchSite], site != "same-origin", site != "none" {
            return Self.refusal(.forbidden, "cross-site requests may not change TokenLens settings")
        }
        if let origin = request.headers[.origin], !isSameOrigin(origin, authority: authority) {
            return Self.refusal(.forbidden, "requests from \(origin) may not change TokenLens settings")
        }
        let token = snapshots.snapshot.server.adminToken
        if token != nil || listensBeyondLoopback {
            guard let token else {
                return Self.refusal(.forbidden, "the daemon listens beyond loopback: set [server] admin_token in config.toml to allow changes over the network")
            }
            guard let header = request.headers[.authorization], header == "Bearer \(token)" else {
                return Self.refusal(.unauthorized, "this change needs `Authorization: Bearer <admin_token>` ([server] admin_token in config.toml)")
            }
        }
        return try await next(request, context)
    }

    func isAllowed(host: String, configured: String) -> Bool {
        let host = host.lowercased()
        return Self.loopbackNames.contains(host) || host == configured || (host == boundHost.lowercased() && boundHost != "0.0.0.0")
    }

    /// The browser's origin for this daemon is http(s)://<host>[:port] with the same authority.
    /// Non-browser WebSocket clients send `ws://<host>` (no port); that is accepted for hosts
    /// that name the daemon, since no web page can send it.
    func isSameOrigin(_ origin: String, authority: String) -> Bool {
        let origin = origin.lowercased()
        for scheme in ["http://", "https://"] where origin == scheme + authority.lowercased() {
            return true
        }
        for scheme in ["ws://", "wss://"] where origin.hasPrefix(scheme) {
            let host = String(origin.dropFirst(scheme.count))
            return host == authority.lowercased() || (!host.contains(":") && Self.loopbackNames.contains(host))
        }
        return false
    }

    static func isMutating(_ method: HTTPRequest.Method) -> Bool {
        !(method == .get || method == .head || method == .options)
    }

    /// `127.0.0.1:8420` → `127.0.0.1`; `[::1]:8420` → `::1`.
    static func hostname(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return authority.split(separator: ":", maxSplits: 1).first.map(String.init) ?? authority
    }

    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var json = JSONText()
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.field("message", message)
        json.field("status", Int(status.code))
        json.endObject()
        json.endObject()
        return .json(json.text, status: status)
    }
}

extension HTTPField.Name {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
