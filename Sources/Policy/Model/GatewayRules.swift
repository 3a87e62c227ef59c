import Guardrails
import Patterns
import Providers

/// Where a rule was written, for diagnostics ("defined twice") and for the messages of blocked
/// calls, which name the rule and its file.
public struct RuleOrigin: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// `[[source_limits]]`: spend caps for one source.
public struct SourceLimit: Sendable, Equatable {
    public var source: String
    public var dailyUSD: Double?
    public var monthlyUSD: Double?
    public var action: LimitAction
    public var origin: RuleOrigin
}

/// `[[model_limits]]`: a daily call cap for one model.
public struct ModelLimit: Sendable, Equatable {
    public var model: String
    public var dailyCalls: Int
    public var action: LimitAction
    public var origin: RuleOrigin
}

/// An entry of `kill_switches`: every call from this source is refused.
public struct KillSwitch: Sendable, Equatable {
    public var source: String
    public var origin: RuleOrigin
}

/// `[[aliases]]`: requests for `from` are sent as `to`.
public struct ModelAlias: Sendable, Equatable {
    public var from: String
    public var to: String
    public var origin: RuleOrigin
}

/// `[[fallback_chains]]`: when `triggerModel` fails (5xx, 429, connection, timeout), try these in order.
public struct FallbackChain: Sendable, Equatable {
    public var triggerModel: String
    public var fallbacks: [String]
    public var origin: RuleOrigin
}

/// `[[weights]]`: split one source's traffic across models.
public struct WeightedRouting: Sendable, Equatable {
    public struct Target: Sendable, Equatable {
        public var model: String
        public var weight: Double
    }

    public var source: String
    public var targets: [Target]
    public var origin: RuleOrigin

    /// Cumulative weights, for a choice by one random draw and a binary search.
    public var cumulative: [Double] {
        var total = 0.0
        return targets.map { total += $0.weight; return total }
    }
}

/// `[latency_routing]`: send a model's traffic to the candidate with the best recent p99.
public struct LatencyRouting: Sendable, Equatable {
    public struct Route: Sendable, Equatable {
        public var model: String
        public var candidates: [String]
        public var origin: RuleOrigin
    }

    public var enabled: Bool
    /// How far back latency and errors are considered.
    public var windowSeconds: Int
    public var routes: [Route]

    public init(enabled: Bool = false, windowSeconds: Int = 300, routes: [Route] = []) {
        self.enabled = enabled
        self.windowSeconds = windowSeconds
        self.routes = routes
    }
}

/// `[pii_detection]`.
public struct PIIDetection: Sendable, Equatable {
    public static let knownTypes = PIIType.allCases.map(\.rawValue)

    public var enabled = false
    public var action = GuardrailAction.warn
    public var types = PIIDetection.knownTypes
    public var scope = GuardrailScope.both

    public init() {}
}

/// `[injection_detection]`.
public struct InjectionDetection: Sendable, Equatable {
    public var enabled = false
    public var action = GuardrailAction.warn
    public var scope = GuardrailScope.request

    public init() {}
}

/// `[[custom_rules]]`: a PCRE2 pattern, compiled once with the snapshot.
public struct CustomRule: Sendable {
    public var name: String
    public var pattern: CompiledPattern
    public var action: GuardrailAction
    public var scope: GuardrailScope
    public var origin: RuleOrigin
}

/// Everything of `policies/*.toml`, checked and merged across files.
public struct GatewayRules: Sendable {
    public var killSwitches: [KillSwitch] = []
    public var sourceLimits: [SourceLimit] = []
    public var modelLimits: [ModelLimit] = []
    public var aliases: [ModelAlias] = []
    public var fallbackChains: [FallbackChain] = []
    public var weights: [WeightedRouting] = []
    public var latencyRouting = LatencyRouting()
    public var piiDetection = PIIDetection()
    public var injectionDetection = InjectionDetection()
    public var customRules: [CustomRule] = []
    /// Where `[pii_detection]` and `[injection_detection]` were written, for block messages.
    public var piiOrigin: RuleOrigin?
    public var injectionOrigin: RuleOrigin?

    public init() {}

    /// The file and line a guardrail rule id (`pii.email`, `injection`, `custom.<name>`) comes from.
    public func origin(ofGuardrail rule: String) -> RuleOrigin? {
        if rule.hasPrefix("pii.") { return piiOrigin }
        if rule == "injection" { return injectionOrigin }
        if rule.hasPrefix("custom.") { return customRules.first { "custom.\($0.name)" == rule }?.origin }
        return nil
    }
}
