/// A call's request and response bodies, captured when `[logging] enabled` is on, before
/// redaction: the recorder runs `SecretRedactor` over every part before anything is stored.
/// Bodies are bounded by `[logging] max_body_bytes`; `*Bytes` keep the full sizes.
public struct CapturedExchange: Sendable {
    /// The id of the call (`CallRecord.id`) this exchange belongs to.
    public var callID: String
    public var timestampMicros: Int64
    public var method: String
    /// The path as the provider saw it, with its query.
    public var path: String
    public var requestHeaders: [(name: String, value: String)]
    public var requestBody: [UInt8]
    public var requestBytes: Int
    public var statusCode: Int
    public var responseHeaders: [(name: String, value: String)]
    /// The decoded (inflated) response body as the client received it.
    public var responseBody: [UInt8]
    public var responseBytes: Int

    public init(callID: String, timestampMicros: Int64, method: String, path: String,
                requestHeaders: [(name: String, value: String)] = [], requestBody: [UInt8] = [], requestBytes: Int = 0,
                statusCode: Int = 0, responseHeaders: [(name: String, value: String)] = [],
                responseBody: [UInt8] = [], responseBytes: Int = 0) {
        self.callID = callID
        self.timestampMicros = timestampMicros
        self.method = method
        self.path = path
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.requestBytes = requestBytes
        self.statusCode = statusCode
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.responseBytes = responseBytes
    }

    public var requestTruncated: Bool { requestBytes > requestBody.count }
    public var responseTruncated: Bool { responseBytes > responseBody.count }
}
