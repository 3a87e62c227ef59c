/// Error bodies in each provider's own shape, so an SDK that receives an error from
/// TokenLens (a block, a dead upstream, a bad request) parses and raises it exactly as it
/// would an error from the provider.
public enum ProviderErrorBody {
    /// A complete JSON error body for an HTTP error response.
    public static func json(provider: Provider?, status: Int, message: String, code: String) -> String {
        switch provider {
        case .anthropic:
            return #"{"type":"error","error":{"type":"\#(anthropicType(status))","message":\#(JSONWriter.quoted(message))}}"#
        case .google:
            return #"{"error":{"code":\#(status),"message":\#(JSONWriter.quoted(message)),"status":"\#(googleStatus(status))"}}"#
        case .openai, nil:
            return #"{"error":{"message":\#(JSONWriter.quoted(message)),"type":"\#(openAIType(status))","param":null,"code":\#(JSONWriter.quoted(code))}}"#
        }
    }

    /// The bytes to append to a stream that had to be cut short, so the client's SDK raises an
    /// error instead of taking a truncated answer for a complete one.
    public static func streamEvent(provider: Provider, format: StreamFormat, status: Int, message: String, code: String) -> String {
        let body = json(provider: provider, status: status, message: message, code: code)
        switch (provider, format) {
        case (.anthropic, _): return "event: error\ndata: \(body)\n\n"
        case (.google, .jsonArray): return ",\n\(body)]"
        case (.google, _): return "data: \(body)\r\n\r\n"
        default: return "data: \(body)\n\n"
        }
    }

    static func openAIType(_ status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 429: "rate_limit_exceeded"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
    }

    static func anthropicType(_ status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 529: "overloaded_error"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
    }

    static func googleStatus(_ status: Int) -> String {
        switch status {
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 429: "RESOURCE_EXHAUSTED"
        case 400..<500: "INVALID_ARGUMENT"
        case 504: "DEADLINE_EXCEEDED"
        case 503, 502: "UNAVAILABLE"
        default: "INTERNAL"
        }
    }
}
