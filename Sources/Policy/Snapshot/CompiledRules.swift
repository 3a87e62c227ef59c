import Guardrails
import Providers

/// The gateway rules as lookup tables: deciding a request is a handful of dictionary lookups.
public struct CompiledRules: Sendable {
    /// An alias with its chain resolved: `from` ends at `target` after following every alias.
    public struct ResolvedAlias: Sendable, Equatable {
        public var target: String
        /// The aliases followed, first to last.
        public var chain: [ModelAlias]
    }

    public let killSwitches: [String: KillSwitch]
    public let sourceLimits: [String: SourceLimit]
    public let modelLimits: [String: ModelLimit]
    public let aliases: [String: ResolvedAlias]
    public let fallbackChains: [String: FallbackChain]
    public let weights: [String: WeightedRouting]
    public let latencyRouting: LatencyRouting
    public let latencyRoutes: [String: LatencyRouting.Route]
    public let piiDetection: PIIDetection
    public let injectionDetection: InjectionDetection
    public let customRules: [CustomRule]
    /// PII, injection and custom rules, compiled once (PCRE2 with JIT) for every request.
    public let guardrails: GuardrailSet
    /// The rules as decoded, for the config API (GET returns them; PUT compares against them).
    public let source: GatewayRules

    public init(_ rules: GatewayRules = GatewayRules(), resolvedAliases: [String: ResolvedAlias] = [:]) {
        source = rules
        killSwitches = Dictionary(rules.killSwitches.map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first })
        sourceLimits = Dictionary(rules.sourceLimits.map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first })
        modelLimits = Dictionary(rules.modelLimits.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        aliases = resolvedAliases
        fallbackChains = Dictionary(rules.fallbackChains.map { ($0.triggerModel, $0) }, uniquingKeysWith: { first, _ in first })
        weights = Dictionary(rules.weights.map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first })
        latencyRouting = rules.latencyRouting
        latencyRoutes = Dictionary(rules.latencyRouting.routes.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        piiDetection = rules.piiDetection
        injectionDetection = rules.injectionDetection
        customRules = rules.customRules
        let pii = rules.piiDetection
        let injection = rules.injectionDetection
        guardrails = GuardrailSet(
            pii: pii.enabled ? PIISettings(types: Set(pii.types.compactMap(PIIType.init(rawValue:))), action: pii.action, scope: pii.scope) : nil,
            injection: injection.enabled ? InjectionSettings(action: injection.action, scope: injection.scope) : nil,
            customRules: rules.customRules.map { CustomRuleSpec(name: $0.name, pattern: $0.pattern, action: $0.action, scope: $0.scope) })
    }

    /// Whether any rule can change or stop a call (fast path for policies that enforce nothing).
    public var isEmpty: Bool {
        killSwitches.isEmpty && sourceLimits.isEmpty && modelLimits.isEmpty && aliases.isEmpty
            && fallbackChains.isEmpty && weights.isEmpty && !latencyRouting.enabled && !piiDetection.enabled
            && !injectionDetection.enabled && customRules.isEmpty
    }
}
