import NIOCore
import NIOHTTP1

/// The head of a request that arrived under `/proxy/`, as the server received it.
public struct ProxyRequestHead: Sendable {
    public var method: String
    /// The raw path, including `/proxy/{provider}`, without the query.
    public var path: String
    /// The raw query string without `?`, or nil.
    public var query: String?
    public var headers: HTTPHeaders

    public init(method: String, path: String, query: String?, headers: HTTPHeaders) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }
}

/// An answer TokenLens gives itself, without a relayed upstream body: a refusal or error
/// (complete body), or a stored answer replayed chunk by chunk (dedup).
public struct ProxyResponse: Sendable {
    public enum Body: Sendable {
        case complete(String)
        case replay([ByteBuffer])
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body
}
