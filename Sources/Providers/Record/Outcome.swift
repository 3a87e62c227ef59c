/// How a proxied call ended, as recorded and reported (`outcome` in the API).
public enum Outcome: String, Sendable, Codable, CaseIterable {
    case ok
    case upstreamError = "upstream_error"
    case blocked
    case clientCancelled = "client_cancelled"
    case guardrailWarned = "guardrail_warned"
}
