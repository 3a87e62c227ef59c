import Patterns

/// `[[custom_rules]]`: a user's PCRE2 pattern, compiled once by the policy compiler, with its
/// action and scope. Findings carry the rule id `custom.<name>`.
public struct CustomRuleSpec: Sendable {
    public var name: String
    public var pattern: CompiledPattern
    public var action: GuardrailAction
    public var scope: GuardrailScope

    public init(name: String, pattern: CompiledPattern, action: GuardrailAction = .warn, scope: GuardrailScope = .both) {
        self.name = name
        self.pattern = pattern
        self.action = action
        self.scope = scope
    }

    public var ruleID: String { "custom." + name }
}
