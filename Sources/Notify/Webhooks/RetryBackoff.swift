/// How long to wait before retrying a failed delivery: exponential from `base`, capped at
/// `cap`, with up to `jitter` of the delay added at random so receivers that come back are
/// not hit by every sender at once.
public struct RetryBackoff: Sendable, Equatable {
    public var baseSeconds: Double
    public var capSeconds: Double
    /// A fraction (0–1) of the delay added at random.
    public var jitter: Double

    public init(baseSeconds: Double = 0.5, capSeconds: Double = 60, jitter: Double = 0.1) {
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
        self.jitter = jitter
    }

    /// The wait after attempt `attempt` (1 = the first) failed; `random` in 0..<1.
    public func delaySeconds(afterAttempt attempt: Int, random: Double) -> Double {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        let raw = min(capSeconds, baseSeconds * pow2(exponent))
        return min(capSeconds, raw * (1 + jitter * min(max(random, 0), 1)))
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2 }
        return value
    }
}
