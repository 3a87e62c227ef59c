import Crypto
import HTTPTypes
import Hummingbird
import NIOCore

/// Serves the dashboard from the binary: `/` is `index.html`, every other file of the
/// `dashboard/` folder is `/assets/<path>`. Files are encoded and hashed once, when the router
/// is built; a request is a dictionary lookup. Browsers revalidate with the ETag on every load
/// (`no-cache`), so a new binary's pages are picked up at once and an unchanged one costs a 304.
struct DashboardRoutes {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: String
        let eTag: String
    }

    let assets: [String: Asset]

    init(files: [String: String] = DashboardAssets.files) {
        var assets: [String: Asset] = [:]
        for (path, text) in files {
            let digest = Self.hex(SHA256.hash(data: Array(text.utf8)).prefix(12))
            assets[path] = Asset(body: ByteBuffer(string: text), contentType: Self.contentType(of: path), eTag: "\"\(digest)\"")
        }
        self.assets = assets
    }

    func register(on router: Router<BasicRequestContext>) {
        if let index = assets[Self.indexFile] {
            router.get("/") { request, _ in serve(index, request) }
        }
        for (path, asset) in assets where path != Self.indexFile {
            router.get(RouterPath("/assets/\(path)")) { request, _ in serve(asset, request) }
        }
    }

    static let indexFile = "index.html"

    func serve(_ asset: Asset, _ request: Request) -> Response {
        var headers = Self.securityHeaders(authority: request.head.authority)
        headers[.contentType] = asset.contentType
        headers[.eTag] = asset.eTag
        headers[.cacheControl] = "no-cache"
        if let tags = request.headers[.ifNoneMatch], tags.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == asset.eTag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.body))
    }

    /// The pages run only the dashboard's own files: no inline script or style, no other
    /// origin, no framing. `connect-src` names the live feed's `ws:` URL explicitly, since
    /// not every browser lets `'self'` cover WebSockets. The authority was checked by
    /// `AccessGuard` before this runs.
    static func securityHeaders(authority: String?) -> HTTPFields {
        var connect = "'self'"
        if let authority, authority.allSatisfy({ $0.isLetter || $0.isNumber || ".:-[]".contains($0) }) {
            connect += " ws://\(authority)"
        }
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = [
            "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "connect-src \(connect)", "font-src 'self'", "manifest-src 'self'", "base-uri 'none'",
            "form-action 'none'", "frame-ancestors 'none'",
        ].joined(separator: "; ")
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.xFrameOptions] = "DENY"
        headers[.crossOriginOpenerPolicy] = "same-origin"
        return headers
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last.map({ $0.lowercased() }) {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json"
        case "webmanifest": "application/manifest+json"
        case "txt", "md": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
}
