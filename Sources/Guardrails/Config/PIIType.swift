/// A kind of personal or secret data the built-in detectors recognise. The raw value is the
/// name used in `guardrails.toml` (`types = ["email", "credit_card"]`) and, prefixed with
/// `pii.`, the rule id of a finding.
public enum PIIType: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case email
    case phone
    case ssn
    case creditCard = "credit_card"
    case iban
    case secret

    /// The rule id a finding of this type carries, e.g. `pii.credit_card`.
    public var ruleID: String { "pii." + rawValue }
}
