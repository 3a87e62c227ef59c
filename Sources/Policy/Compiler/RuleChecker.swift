import TOML
import Providers

/// The checks that need every policy file at once: rules defined twice, alias cycles,
/// fallback chains that reach their own trigger, routing across providers, models the price
/// table does not know, limits on killed sources. Produces the merged, resolved rules.
struct RuleChecker {
    let sink: DiagnosticSink
    let prices: PriceTable

    func check(_ decoded: [DecodedRules]) -> CompiledRules {
        var rules = GatewayRules()
        rules.killSwitches = unique(decoded.flatMap(\.killSwitches), key: \.source, what: "kill switch for source", severity: .warning)
        rules.sourceLimits = unique(decoded.flatMap(\.sourceLimits), key: \.source, what: "source limit for")
        rules.modelLimits = unique(decoded.flatMap(\.modelLimits), key: \.model, what: "model limit for")
        rules.aliases = unique(decoded.flatMap(\.aliases), key: \.from, what: "alias for")
        rules.fallbackChains = unique(decoded.flatMap(\.fallbackChains), key: \.triggerModel, what: "fallback chain for")
        rules.weights = unique(decoded.flatMap(\.weights), key: \.source, what: "weighted routing for source")
        rules.customRules = unique(decoded.flatMap(\.customRules), key: \.name, what: "custom rule")
        if let latency = single(decoded.compactMap(\.latencyRouting), section: "[latency_routing]") { rules.latencyRouting = latency }
        if let pii = single(decoded.compactMap(\.piiDetection), section: "[pii_detection]") { rules.piiDetection = pii }
        rules.piiOrigin = decoded.compactMap(\.piiDetection).first?.origin
        rules.injectionOrigin = decoded.compactMap(\.injectionDetection).first?.origin
        if let injection = single(decoded.compactMap(\.injectionDetection), section: "[injection_detection]") {
            rules.injectionDetection = injection
        }

        let aliases = resolveAliases(rules.aliases)
        checkFallbacks(rules.fallbackChains, aliases: aliases)
        checkProviders(rules, aliases: aliases)
        let killed = Set(rules.killSwitches.map(\.source))
        for limit in rules.sourceLimits where killed.contains(limit.source) {
            warn(limit.origin, "limit-on-killed-source",
                 "source \"\(limit.source)\" has a kill switch, so its spend limit never applies")
        }
        var warned: Set<String> = []
        for reference in decoded.flatMap(\.modelReferences) where prices.price(for: reference.model)?.isPriced != true {
            guard warned.insert(reference.model + "\(reference.origin)").inserted else { continue }
            warn(reference.origin, "unpriced-model",
                 "\(reference.role) \"\(reference.model)\" is not in the price table; its calls will be recorded as unpriced (add it under [pricing] in config.toml)")
        }
        return CompiledRules(rules, resolvedAliases: aliases)
    }

    /// Keeps the first of each key and reports the others, naming both places.
    private func unique<Rule>(_ rules: [Rule], key: KeyPath<Rule, String>, what: String,
                              severity: Diagnostic.Severity = .error) -> [Rule] where Rule: HasOrigin {
        var seen: [String: RuleOrigin] = [:]
        var kept: [Rule] = []
        for rule in rules {
            let name = rule[keyPath: key]
            if let first = seen[name] {
                sink.add(rule.origin.file, location(rule.origin), severity, "duplicate-rule",
                         "\(what) \"\(name)\" is defined twice: here and at \(first)")
                continue
            }
            seen[name] = rule.origin
            kept.append(rule)
        }
        return kept
    }

    private func single<Section>(_ sections: [(value: Section, origin: RuleOrigin)], section: String) -> Section? {
        for duplicate in sections.dropFirst() {
            sink.error(duplicate.origin.file, location(duplicate.origin), "duplicate-rule",
                       "\(section) is defined twice: here and at \(sections[0].origin)")
        }
        return sections.first?.value
    }

    /// Follows each alias to its final target; a cycle is an error at the alias that closes it.
    private func resolveAliases(_ aliases: [ModelAlias]) -> [String: CompiledRules.ResolvedAlias] {
        let byFrom = Dictionary(aliases.map { ($0.from, $0) }, uniquingKeysWith: { first, _ in first })
        var resolved: [String: CompiledRules.ResolvedAlias] = [:]
        var reported: Set<String> = []
        for alias in aliases {
            var chain = [alias]
            var visited: Set<String> = [alias.from]
            var current = alias.to
            var cyclic = false
            while let next = byFrom[current] {
                if visited.contains(current) || chain.count > byFrom.count {
                    cyclic = true
                    break
                }
                visited.insert(current)
                chain.append(next)
                current = next.to
            }
            if cyclic || visited.contains(current) {
                let names = chain.map(\.from) + [current]
                let key = Set(chain.map(\.from)).sorted().joined(separator: ",")
                if reported.insert(key).inserted {
                    let closing = chain.last ?? alias
                    sink.error(closing.origin.file, location(closing.origin), "alias-cycle",
                               "aliases form a cycle: \(names.map { "\"\($0)\"" }.joined(separator: " → "))")
                }
                continue
            }
            resolved[alias.from] = .init(target: current, chain: chain)
        }
        return resolved
    }

    private func checkFallbacks(_ chains: [FallbackChain], aliases: [String: CompiledRules.ResolvedAlias]) {
        for chain in chains {
            let trigger = aliases[chain.triggerModel]?.target ?? chain.triggerModel
            for fallback in chain.fallbacks {
                let target = aliases[fallback]?.target ?? fallback
                if fallback == chain.triggerModel || target == trigger {
                    sink.error(chain.origin.file, location(chain.origin), "fallback-loop",
                               "the fallback chain of \"\(chain.triggerModel)\" reaches its own trigger through \"\(fallback)\"")
                }
            }
            var seen: Set<String> = []
            for fallback in chain.fallbacks where !seen.insert(fallback).inserted {
                warn(chain.origin, "duplicate-fallback", "\"\(fallback)\" appears twice in the fallback chain of \"\(chain.triggerModel)\"")
            }
        }
    }

    /// Routing targets on another provider than the request's would need request translation,
    /// which TokenLens does not do (yet): such rules are refused.
    private func checkProviders(_ rules: GatewayRules, aliases: [String: CompiledRules.ResolvedAlias]) {
        func mismatch(_ from: String, _ to: String) -> (Provider, Provider)? {
            guard let a = ModelProvider.of(from, prices: prices), let b = ModelProvider.of(to, prices: prices), a != b else { return nil }
            return (a, b)
        }
        for alias in rules.aliases {
            if let (a, b) = mismatch(alias.from, alias.to) {
                sink.error(alias.origin.file, location(alias.origin), "cross-provider",
                           "alias \"\(alias.from)\" (\(a.rawValue)) → \"\(alias.to)\" (\(b.rawValue)) crosses providers; TokenLens forwards requests unchanged apart from the model, so a target must be on the same provider")
            }
        }
        for chain in rules.fallbackChains {
            for fallback in chain.fallbacks {
                if let (a, b) = mismatch(chain.triggerModel, aliases[fallback]?.target ?? fallback) {
                    sink.error(chain.origin.file, location(chain.origin), "cross-provider",
                               "fallback \"\(fallback)\" (\(b.rawValue)) for \"\(chain.triggerModel)\" (\(a.rawValue)) crosses providers; fallbacks must be on the same provider")
                }
            }
        }
        for routing in rules.weights {
            let providers = Set(routing.targets.compactMap { ModelProvider.of($0.model, prices: prices) })
            if providers.count > 1 {
                sink.error(routing.origin.file, location(routing.origin), "cross-provider",
                           "weighted routing for source \"\(routing.source)\" mixes providers (\(providers.map(\.rawValue).sorted().joined(separator: ", "))); all targets must be on one provider")
            }
        }
        for route in rules.latencyRouting.routes {
            for candidate in route.candidates {
                if let (a, b) = mismatch(route.model, candidate) {
                    sink.error(route.origin.file, location(route.origin), "cross-provider",
                               "latency candidate \"\(candidate)\" (\(b.rawValue)) for \"\(route.model)\" (\(a.rawValue)) crosses providers")
                }
            }
        }
    }

    private func warn(_ origin: RuleOrigin, _ code: String, _ message: String) {
        sink.warning(origin.file, location(origin), code, message)
    }

    private func location(_ origin: RuleOrigin) -> SourceLocation {
        SourceLocation(offset: 0, line: origin.line, column: origin.column)
    }
}

/// Which provider serves a model id: the price table's provider, else the family prefix.
public enum ModelProvider {
    public static func of(_ model: String, prices: PriceTable) -> Provider? {
        if let entry = prices.price(for: model) {
            switch entry.provider {
            case "openai": return .openai
            case "anthropic": return .anthropic
            case "gemini": return .google
            default: break
            }
        }
        let id = model.lowercased()
        if id.hasPrefix("claude") { return .anthropic }
        if id.hasPrefix("gemini") || id.hasPrefix("gemma") || id.hasPrefix("models/") { return .google }
        if id.hasPrefix("gpt-") || id.hasPrefix("o1") || id.hasPrefix("o3") || id.hasPrefix("o4")
            || id.hasPrefix("text-embedding") || id.hasPrefix("chatgpt") || id.hasPrefix("ft:") {
            return .openai
        }
        return nil
    }
}

protocol HasOrigin { var origin: RuleOrigin { get } }
extension KillSwitch: HasOrigin {}
extension SourceLimit: HasOrigin {}
extension ModelLimit: HasOrigin {}
extension ModelAlias: HasOrigin {}
extension FallbackChain: HasOrigin {}
extension WeightedRouting: HasOrigin {}
extension CustomRule: HasOrigin {}
