/// Why an upstream exchange failed, as the connection saw it.
enum UpstreamError: Error, CustomStringConvertible {
    /// No connection could be made (refused, unresolvable, TLS handshake failed).
    case connect(String)
    case connectTimeout
    /// The attempt took longer than the provider's `timeout_seconds`.
    case timeout(seconds: Double, afterResponseStarted: Bool)
    /// The connection closed before the response was complete.
    case closed(afterResponseStarted: Bool, reason: String?)
    /// The base URL in the configuration cannot be used.
    case badBaseURL(String)

    var description: String {
        switch self {
        case .connect(let reason): "connection failed: \(reason)"
        case .connectTimeout: "connect timed out"
        case .timeout(let seconds, let started):
            started ? "the response did not finish within \(seconds) s" : "no response within \(seconds) s"
        case .closed(let started, let reason):
            (started ? "the connection closed mid-response" : "the connection closed before a response")
                + (reason.map { " (\($0))" } ?? "")
        case .badBaseURL(let url): "the base URL \(url) is not an http:// or https:// URL"
        }
    }
}

/// Why an upstream call failed before or while its response arrived, with a message for the
/// client and the status TokenLens answers with.
enum UpstreamFailure {
    case unreachable(String)
    case timedOut(String)
    case failed(String)

    init(_ error: UpstreamError, baseURL: String) {
        switch error {
        case .connect, .badBaseURL:
            self = .unreachable("cannot reach the upstream \(baseURL): \(error)")
        case .connectTimeout, .timeout:
            self = .timedOut("the upstream \(baseURL) did not answer in time (\(error))")
        case .closed:
            self = .failed("the upstream \(baseURL) closed the connection (\(error))")
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
