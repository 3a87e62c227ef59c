import Guardrails
import Patterns
import TOML

/// A rule as written in one file, before the checks that span files.
struct DecodedRules {
    var killSwitches: [KillSwitch] = []
    var sourceLimits: [SourceLimit] = []
    var modelLimits: [ModelLimit] = []
    var aliases: [ModelAlias] = []
    var fallbackChains: [FallbackChain] = []
    var weights: [WeightedRouting] = []
    var latencyRouting: (value: LatencyRouting, origin: RuleOrigin)?
    var piiDetection: (value: PIIDetection, origin: RuleOrigin)?
    var injectionDetection: (value: InjectionDetection, origin: RuleOrigin)?
    var customRules: [CustomRule] = []
    /// Where each model name used as a routing target or limit was written (for warnings).
    var modelReferences: [(model: String, origin: RuleOrigin, role: String)] = []
}

/// Decodes one `policies/*.toml` file. Any file may hold any section, so teams can keep their
/// rules in files of their own; the sections are those of the `PUT /api/config/*` bodies.
enum PolicyFileDecoder {
    static let sections = ["kill_switches", "source_limits", "model_limits", "aliases", "fallback_chains",
                           "weights", "latency_routing", "pii_detection", "injection_detection", "custom_rules"]

    static func decode(_ root: TableReader) -> DecodedRules {
        var rules = DecodedRules()
        let file = root.file
        func origin(_ location: SourceLocation?) -> RuleOrigin {
            RuleOrigin(file: file, line: location?.line ?? 1, column: location?.column ?? 1)
        }

        if let switches = root.stringArray("kill_switches") {
            for (source, location) in switches {
                if source.isEmpty { root.error(location, "invalid-value", "a kill switch needs a source name"); continue }
                rules.killSwitches.append(KillSwitch(source: source, origin: origin(location)))
            }
        }

        for table in root.tables("source_limits") ?? [] {
            let source = requiredString(table, "source")
            let daily = table.number("daily_usd", minimum: 0)
            let monthly = table.number("monthly_usd", minimum: 0)
            let action = limitAction(table)
            table.finish()
            guard let source else { continue }
            if daily == nil && monthly == nil && table.node("daily_usd") == nil && table.node("monthly_usd") == nil {
                table.error(table.location, "missing-key", "`\(table.path)` for source \"\(source)\" sets no limit; add daily_usd or monthly_usd")
            }
            rules.sourceLimits.append(SourceLimit(source: source, dailyUSD: daily, monthlyUSD: monthly, action: action,
                                                  origin: origin(table.location)))
        }

        for table in root.tables("model_limits") ?? [] {
            let model = requiredString(table, "model")
            let calls = table.integer("daily_calls", in: 0...Int64(Int32.max))
            let action = limitAction(table)
            if table.node("daily_calls") == nil {
                table.error(table.location, "missing-key", "`\(table.path)` needs `daily_calls`")
            }
            table.finish()
            guard let model, let calls else { continue }
            rules.modelLimits.append(ModelLimit(model: model, dailyCalls: Int(calls), action: action, origin: origin(table.location)))
            rules.modelReferences.append((model, origin(table.valueLocation("model")), "model limit"))
        }

        for table in root.tables("aliases") ?? [] {
            let from = requiredString(table, "from")
            let to = requiredString(table, "to")
            table.finish()
            guard let from, let to else { continue }
            if from == to {
                table.error(table.valueLocation("to"), "alias-cycle", "alias \"\(from)\" points at itself")
                continue
            }
            rules.aliases.append(ModelAlias(from: from, to: to, origin: origin(table.location)))
            rules.modelReferences.append((to, origin(table.valueLocation("to")), "alias target"))
        }

        for table in root.tables("fallback_chains") ?? [] {
            let trigger = requiredString(table, "trigger_model")
            let fallbacks = table.stringArray("fallbacks")
            if table.node("fallbacks") == nil {
                table.error(table.location, "missing-key", "`\(table.path)` needs `fallbacks`, a list of models to try in order")
            }
            table.finish()
            guard let trigger, let fallbacks else { continue }
            if fallbacks.isEmpty {
                table.error(table.valueLocation("fallbacks"), "invalid-value", "the fallback chain of \"\(trigger)\" is empty")
                continue
            }
            rules.fallbackChains.append(FallbackChain(triggerModel: trigger, fallbacks: fallbacks.map(\.value),
                                                      origin: origin(table.location)))
            for (model, location) in fallbacks { rules.modelReferences.append((model, origin(location), "fallback")) }
        }

        for table in root.tables("weights") ?? [] {
            let source = requiredString(table, "source")
            var targets: [WeightedRouting.Target] = []
            for rule in table.tables("rules") ?? [] {
                let model = requiredString(rule, "model")
                let weight = rule.number("weight")
                if rule.node("weight") == nil { rule.error(rule.location, "missing-key", "`\(rule.path)` needs `weight`") }
                rule.finish()
                guard let model, let weight else { continue }
                if weight < 0 {
                    rule.error(rule.valueLocation("weight"), "negative-weight",
                               "the weight of \"\(model)\" is \(JSONNumber.format(weight)); weights must be 0 or more")
                    continue
                }
                targets.append(.init(model: model, weight: weight))
                rules.modelReferences.append((model, origin(rule.valueLocation("model")), "weighted target"))
            }
            if table.node("rules") == nil {
                table.error(table.location, "missing-key", "`\(table.path)` needs [[weights.rules]] entries with a model and a weight")
            }
            table.finish()
            guard let source, !targets.isEmpty else { continue }
            if targets.reduce(0, { $0 + $1.weight }) <= 0 {
                table.error(table.valueLocation("rules") ?? table.location, "zero-weights",
                            "the weights for source \"\(source)\" add up to 0; give at least one model a positive weight")
                continue
            }
            rules.weights.append(WeightedRouting(source: source, targets: targets, origin: origin(table.location)))
        }

        if let table = root.table("latency_routing") {
            var routing = LatencyRouting()
            routing.enabled = table.bool("enabled") ?? false
            if let window = table.integer("window_seconds", in: 10...86_400) { routing.windowSeconds = Int(window) }
            for route in table.tables("routes") ?? [] {
                let model = requiredString(route, "model")
                let candidates = route.stringArray("candidates")
                if route.node("candidates") == nil {
                    route.error(route.location, "missing-key", "`\(route.path)` needs `candidates`, the models to choose among")
                }
                route.finish()
                guard let model, let candidates else { continue }
                if candidates.count < 2 {
                    route.error(route.valueLocation("candidates"), "invalid-value",
                                "latency routing for \"\(model)\" needs at least two candidates to choose among")
                    continue
                }
                routing.routes.append(.init(model: model, candidates: candidates.map(\.value), origin: origin(route.location)))
                for (candidate, location) in candidates { rules.modelReferences.append((candidate, origin(location), "latency candidate")) }
            }
            table.finish()
            rules.latencyRouting = (routing, origin(table.location))
        }

        if let table = root.table("pii_detection") {
            var pii = PIIDetection()
            pii.enabled = table.bool("enabled") ?? false
            if let action = guardrailAction(table) { pii.action = action }
            if let scope = guardrailScope(table) { pii.scope = scope }
            if let types = table.stringArray("types") {
                for (type, location) in types where !PIIDetection.knownTypes.contains(type) {
                    table.error(location, "invalid-value",
                                "unknown PII type \"\(type)\"; known types: \(PIIDetection.knownTypes.joined(separator: ", "))\(DidYouMean.hint(for: type, among: PIIDetection.knownTypes))")
                }
                pii.types = types.map(\.value).filter { PIIDetection.knownTypes.contains($0) }
            }
            table.finish()
            rules.piiDetection = (pii, origin(table.location))
        }

        if let table = root.table("injection_detection") {
            var injection = InjectionDetection()
            injection.enabled = table.bool("enabled") ?? false
            if let action = guardrailAction(table) { injection.action = action }
            if let scope = guardrailScope(table) { injection.scope = scope }
            table.finish()
            rules.injectionDetection = (injection, origin(table.location))
        }

        for table in root.tables("custom_rules") ?? [] {
            let name = requiredString(table, "name")
            let patternText = requiredString(table, "pattern")
            let caseInsensitive = table.bool("case_insensitive") ?? false
            let action = guardrailAction(table) ?? .warn
            let scope = guardrailScope(table) ?? .both
            table.finish()
            guard let name, let patternText else { continue }
            do {
                let pattern = try CompiledPattern(patternText, caseInsensitive: caseInsensitive)
                rules.customRules.append(CustomRule(name: name, pattern: pattern, action: action, scope: scope,
                                                    origin: origin(table.location)))
            } catch {
                let node = table.table.node(forKey: "pattern")
                let location = node?.sourceLocation(forContentOffset: error.offset) ?? table.valueLocation("pattern")
                table.error(location, "invalid-regex", "the pattern of custom rule \"\(name)\" is not a valid PCRE2 regex: \(error.message)")
            }
        }

        root.finish()
        return rules
    }

    static func requiredString(_ table: TableReader, _ key: String) -> String? {
        if table.node(key) == nil {
            table.error(table.location, "missing-key", "`\(table.path)` needs `\(key)`")
            return nil
        }
        guard let value = table.string(key) else { return nil }
        if value.isEmpty {
            table.error(table.valueLocation(key), "invalid-value", "`\(table.qualified(key))` must not be empty")
            return nil
        }
        return value
    }

    static func limitAction(_ table: TableReader) -> LimitAction {
        guard let text = table.string("action") else { return .block }
        guard let action = LimitAction(rawValue: text) else {
            table.error(table.valueLocation("action"), "invalid-value", "`\(table.qualified("action"))` must be \"block\" or \"warn\", not \"\(text)\"")
            return .block
        }
        return action
    }

    static func guardrailAction(_ table: TableReader) -> GuardrailAction? {
        guard let text = table.string("action") else { return nil }
        guard let action = GuardrailAction(rawValue: text) else {
            table.error(table.valueLocation("action"), "invalid-value", "`\(table.qualified("action"))` must be \"warn\" or \"block\", not \"\(text)\"")
            return nil
        }
        return action
    }

    static func guardrailScope(_ table: TableReader) -> GuardrailScope? {
        guard let text = table.string("scope") else { return nil }
        guard let scope = GuardrailScope(rawValue: text) else {
            table.error(table.valueLocation("scope"), "invalid-value",
                        "`\(table.qualified("scope"))` must be \"request\", \"response\" or \"both\", not \"\(text)\"")
            return nil
        }
        return scope
    }
}
