import Providers

/// A captured request and response as stored in `request_logs` (and served by `/api/logs`):
/// headers, query and bodies have passed through `SecretRedactor`, bodies are bounded, and
/// the sizes say how large they really were.
public struct RequestLog: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public var callID: String
    public var timestampMicros: Int64
    public var method: String
    public var path: String
    public var statusCode: Int
    public var requestHeaders: [Header]
    public var requestBody: String
    public var requestBytes: Int
    public var responseHeaders: [Header]
    public var responseBody: String
    public var responseBytes: Int
    /// Whether a body was cut at `[logging] max_body_bytes` (redaction changes lengths, so
    /// this is decided before it).
    public var requestTruncated: Bool
    public var responseTruncated: Bool
    /// From the call's record, when it is still there: who called what, and how it went.
    public var call: CallSummary?

    /// The parts of the linked call a log listing shows.
    public struct CallSummary: Sendable, Equatable {
        public var provider: String
        public var model: String?
        public var source: String
        public var outcome: String
        public var costPico: Int64?
    }

    /// Redacts an exchange for storage. This is the only way a body reaches the database.
    public init(redacting exchange: CapturedExchange) {
        callID = exchange.callID
        timestampMicros = exchange.timestampMicros
        method = exchange.method
        path = SecretRedactor.path(exchange.path)
        statusCode = exchange.statusCode
        requestHeaders = SecretRedactor.headers(exchange.requestHeaders).map { Header(name: $0.name, value: $0.value) }
        requestBody = String(decoding: SecretRedactor.bytes(exchange.requestBody), as: UTF8.self)
        requestBytes = exchange.requestBytes
        responseHeaders = SecretRedactor.headers(exchange.responseHeaders).map { Header(name: $0.name, value: $0.value) }
        responseBody = String(decoding: SecretRedactor.bytes(exchange.responseBody), as: UTF8.self)
        responseBytes = exchange.responseBytes
        requestTruncated = exchange.requestTruncated
        responseTruncated = exchange.responseTruncated
    }

    init(callID: String, timestampMicros: Int64, method: String, path: String, statusCode: Int,
         requestHeaders: [Header], requestBody: String, requestBytes: Int,
         responseHeaders: [Header], responseBody: String, responseBytes: Int, requestTruncated: Bool,
         responseTruncated: Bool, call: CallSummary?) {
        self.callID = callID
        self.timestampMicros = timestampMicros
        self.method = method
        self.path = path
        self.statusCode = statusCode
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.requestBytes = requestBytes
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.responseBytes = responseBytes
        self.requestTruncated = requestTruncated
        self.responseTruncated = responseTruncated
        self.call = call
    }
}
