/// Which side of a call a guardrail scans: the prompt sent upstream, the model's output, or both.
public enum GuardrailScope: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case request
    case response
    case both

    public var includesRequest: Bool { self != .response }
    public var includesResponse: Bool { self != .request }
}
