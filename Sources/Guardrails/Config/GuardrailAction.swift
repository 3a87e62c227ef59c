/// What a guardrail does when it matches: `warn` lets the call through and records the finding
/// (with a masked sample); `block` stops the request before it goes upstream, or ends the
/// response. The raw values are the spelling used in `guardrails.toml`.
public enum GuardrailAction: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case warn
    case block
}
