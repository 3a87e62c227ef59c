import Policy
import Providers

/// Decides which model a call is sent to, from the request's snapshot: aliases first (the
/// model is renamed), then weighted routing for the call's source, then latency routing for
/// the resulting model. Every rule that changed the model is reported for the record.
public struct RouteSelector: Sendable {
    public struct Decision: Sendable, Equatable {
        public var model: String?
        public var rules: [String]
    }

    let random: RoutingRandom
    let latency: LatencyTracker

    public init(random: RoutingRandom, latency: LatencyTracker) {
        self.random = random
        self.latency = latency
    }

    public func route(model requested: String?, source: String, provider: Provider, snapshot: PolicySnapshot) -> Decision {
        var decision = Decision(model: requested, rules: [])
        let rules = snapshot.rules
        if let model = decision.model, let alias = rules.aliases[model] {
            decision.model = alias.target
            decision.rules += alias.chain.map { "alias:\($0.from)" }
        }
        if let weights = rules.weights[source], let target = choose(weights) {
            // Only targets the request's provider serves: TokenLens does not translate formats.
            if ModelProvider.of(target, prices: snapshot.prices) ?? provider == provider {
                if target != decision.model { decision.rules.append("weights:\(source)") }
                decision.model = target
            }
        }
        if rules.latencyRouting.enabled, let model = decision.model, let route = rules.latencyRoutes[model],
           let target = latency.choose(among: route.candidates, windowSeconds: rules.latencyRouting.windowSeconds) {
            decision.model = target
            decision.rules.append("latency:\(model)")
        }
        return decision
    }

    func choose(_ routing: WeightedRouting) -> String? {
        let cumulative = routing.cumulative
        guard let total = cumulative.last, total > 0 else { return nil }
        let draw = random.next() * total
        let index = cumulative.firstIndex { draw < $0 } ?? (routing.targets.count - 1)
        return routing.targets[index].model
    }
}
