/// Which side of a call a finding was made on.
public enum GuardrailSide: String, Sendable, Equatable, Hashable, Codable {
    case request
    case response
}
