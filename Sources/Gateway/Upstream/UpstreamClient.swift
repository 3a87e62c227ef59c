import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// The pooled HTTP client that reaches the providers (keep-alive connections per host, TLS,
/// HTTP/2 where the provider offers it). Redirects are passed back to the client, not followed,
/// and bodies are never decompressed here: the client gets the provider's bytes.
public final class UpstreamClient: Sendable {
    let http: HTTPClient

    public init(connectTimeoutSeconds: Int64 = 10, idleReadTimeoutSeconds: Int64 = 600, maxConnectionsPerHost: Int = 512) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.timeout = .init(connect: .seconds(connectTimeoutSeconds), read: .seconds(idleReadTimeoutSeconds))
        configuration.connectionPool = .init(idleTimeout: .seconds(60),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost)
        // A refused connection is answered with a 502 at once instead of being retried until
        // the connect timeout: the client (or a fallback chain) decides what to do next.
        configuration.connectionPool.retryConnectionEstablishment = false
        // No distributed tracing: the per-request span bookkeeping is measurable on the proxy path.
        configuration.tracing.tracer = nil
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func execute(_ request: HTTPClientRequest, timeoutSeconds: Double) async throws -> HTTPClientResponse {
        try await http.execute(request, timeout: .milliseconds(Int64(timeoutSeconds * 1000)))
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }
}

/// Why an upstream call failed before or while its response arrived, with a message for the
/// client and the status TokenLens answers with.
enum UpstreamFailure {
    case unreachable(String)
    case timedOut(String)
    case failed(String)

    init(_ error: any Error, baseURL: String) {
        let text = String(describing: error)
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout, .readTimeout, .deadlineExceeded:
                self = .timedOut("the upstream \(baseURL) did not answer in time (\(client))")
                return
            case .remoteConnectionClosed:
                self = .failed("the upstream \(baseURL) closed the connection (\(client))")
                return
            default:
                break
            }
        }
        if text.contains("connectTimeout") || text.contains("Timeout") {
            self = .timedOut("the upstream \(baseURL) did not answer in time (\(text))")
        } else if text.contains("connection") || text.contains("Connection") || text.contains("refused")
                    || text.contains("NIOConnectionError") || text.contains("dns") {
            self = .unreachable("cannot reach the upstream \(baseURL): \(text)")
        } else {
            self = .failed("the upstream call to \(baseURL) failed: \(text)")
        }
    }

    var status: Int {
        switch self {
        case .unreachable, .failed: 502
        case .timedOut: 504
        }
    }

    var message: String {
        switch self {
        case .unreachable(let message), .timedOut(let message), .failed(let message): message
        }
    }

    var code: String {
        switch self {
        case .unreachable: "upstream_unreachable"
        case .timedOut: "upstream_timeout"
        case .failed: "upstream_failed"
        }
    }
}
