import Atomics

/// Random draws for weighted routing. Seeded (`TOKENLENS_ROUTING_SEED`) it is a deterministic
/// SplitMix64 sequence, so tests can assert the distribution exactly; unseeded it uses the
/// system generator. Lock-free either way.
public final class RoutingRandom: Sendable {
    private let seed: UInt64?
    private let counter = ManagedAtomic<UInt64>(0)

    public init(seed: UInt64? = nil) {
        self.seed = seed
    }

    /// A uniform value in [0, 1).
    public func next() -> Double {
        guard let seed else { return Double.random(in: 0..<1) }
        var z = seed &+ counter.loadThenWrappingIncrement(ordering: .relaxed) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
