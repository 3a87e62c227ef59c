import Providers

/// The JSON shape of each config section, as `GET /api/config/*` and `/api/settings/*`
/// return it and `PUT` accepts it (the shapes of the reference API).
public enum ConfigJSON {
    public static func render(_ section: ConfigSection, snapshot: PolicySnapshot) -> JSONValue {
        let rules = snapshot.rules.source
        switch section {
        case .quotas:
            return object([
                ("kill_switches", .array(rules.killSwitches.map { .string($0.source) })),
                ("source_limits", .array(rules.sourceLimits.map { limit in
                    object([("source", .string(limit.source)), ("daily_usd", number(limit.dailyUSD)),
                            ("monthly_usd", number(limit.monthlyUSD)), ("action", .string(limit.action.rawValue))])
                })),
                ("model_limits", .array(rules.modelLimits.map { limit in
                    object([("model", .string(limit.model)), ("daily_calls", .int(Int64(limit.dailyCalls))),
                            ("action", .string(limit.action.rawValue))])
                })),
            ])
        case .routing:
            return object([
                ("aliases", .array(rules.aliases.map { object([("from", .string($0.from)), ("to", .string($0.to))]) })),
                ("fallback_chains", .array(rules.fallbackChains.map { chain in
                    object([("trigger_model", .string(chain.triggerModel)), ("fallbacks", .array(chain.fallbacks.map(JSONValue.string)))])
                })),
                ("weights", .array(rules.weights.map { routing in
                    object([("source", .string(routing.source)),
                            ("rules", .array(routing.targets.map { object([("model", .string($0.model)), ("weight", number($0.weight))]) }))])
                })),
                ("latency_routing", object([
                    ("enabled", .bool(rules.latencyRouting.enabled)),
                    ("window_seconds", .int(Int64(rules.latencyRouting.windowSeconds))),
                    ("routes", .array(rules.latencyRouting.routes.map { route in
                        object([("model", .string(route.model)), ("candidates", .array(route.candidates.map(JSONValue.string)))])
                    })),
                ])),
            ])
        case .guardrails:
            return object([
                ("pii_detection", object([
                    ("enabled", .bool(rules.piiDetection.enabled)), ("action", .string(rules.piiDetection.action.rawValue)),
                    ("types", .array(rules.piiDetection.types.map(JSONValue.string))),
                    ("scope", .string(rules.piiDetection.scope.rawValue)),
                ])),
                ("injection_detection", object([
                    ("enabled", .bool(rules.injectionDetection.enabled)),
                    ("action", .string(rules.injectionDetection.action.rawValue)),
                    ("scope", .string(rules.injectionDetection.scope.rawValue)),
                ])),
                ("custom_rules", .array(rules.customRules.map { rule in
                    object([("name", .string(rule.name)), ("pattern", .string(rule.pattern.pattern)),
                            ("case_insensitive", .bool(rule.pattern.isCaseInsensitive)),
                            ("action", .string(rule.action.rawValue)), ("scope", .string(rule.scope.rawValue))])
                })),
            ])
        case .budget:
            let budget = snapshot.budget
            return object([("enabled", .bool(budget.enabled)), ("daily_limit_usd", number(budget.dailyLimitUSD)),
                           ("monthly_limit_usd", number(budget.monthlyLimitUSD)), ("action", .string(budget.action.rawValue)),
                           ("timezone", .string(budget.timezone))])
        case .alerts:
            return object([("enabled", .bool(snapshot.alerts.enabled)),
                           ("daily_cost_threshold", number(snapshot.alerts.dailyCostThreshold))])
        case .webhooks:
            let hooks = snapshot.webhooks
            return object([("enabled", .bool(hooks.enabled)), ("url", hooks.url.map(JSONValue.string) ?? .null),
                           ("events", .array(hooks.events.map(JSONValue.string))),
                           ("secret_set", .bool(hooks.secret != nil)),
                           ("allow_hosts", .array(hooks.allowHosts.map(JSONValue.string))),
                           ("max_attempts", .int(Int64(hooks.maxAttempts))),
                           ("timeout_seconds", number(hooks.timeoutSeconds))])
        case .pricing:
            let overrides = snapshot.priceOverrides.map { override -> (String, JSONValue) in
                var members: [(String, JSONValue)] = []
                if let provider = override.provider { members.append(("provider", .string(provider))) }
                for (key, value) in [("input_per_mtok", override.inputPerMTok), ("output_per_mtok", override.outputPerMTok),
                                     ("cache_read_per_mtok", override.cacheReadPerMTok),
                                     ("cache_write_per_mtok", override.cacheWritePerMTok),
                                     ("cache_write_1h_per_mtok", override.cacheWrite1hPerMTok),
                                     ("reasoning_per_mtok", override.reasoningPerMTok)] {
                    if let value { members.append((key, .double(value))) }
                }
                return (override.model, object(members))
            }
            return object([("overrides", object(overrides)), ("models_priced", .int(Int64(snapshot.prices.entries.values.filter(\.isPriced).count)))])
        }
    }

    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members.map { (key: $0.0, value: $0.1) }))
    }

    static func number(_ value: Double?) -> JSONValue {
        guard let value else { return .null }
        return value == value.rounded() && abs(value) < 1e15 ? .int(Int64(value)) : .double(value)
    }
}
