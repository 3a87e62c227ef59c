/// `[pii_detection]` as the policy compiler hands it over: which PII types to look for, what
/// to do on a match and which side of the call to scan. Absent (`nil`) means disabled.
public struct PIISettings: Sendable, Equatable {
    public var types: Set<PIIType>
    public var action: GuardrailAction
    public var scope: GuardrailScope

    public init(types: Set<PIIType> = Set(PIIType.allCases), action: GuardrailAction = .warn, scope: GuardrailScope = .both) {
        self.types = types
        self.action = action
        self.scope = scope
    }
}
