/// `[injection_detection]`: what to do when a prompt tries to override the instructions or
/// hijack the model's role. Injection is a request-side concern, so the scope defaults to
/// `request`; `response` or `both` also scans model output (useful when one model's output
/// feeds another's prompt).
public struct InjectionSettings: Sendable, Equatable {
    public var action: GuardrailAction
    public var scope: GuardrailScope

    public init(action: GuardrailAction = .warn, scope: GuardrailScope = .request) {
        self.action = action
        self.scope = scope
    }
}
