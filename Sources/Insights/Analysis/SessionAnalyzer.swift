import Providers

/// Sessions of a set of calls with their patterns (retry loops, cache breaks, token spikes).
public struct SessionAnalyzer: Sendable {
    public var grouper = SessionGrouper()
    public var retryLoops = RetryLoopDetector()
    public var cacheBreaks = CacheBreakDetector()
    public var tokenSpikes = TokenSpikeDetector()
    public var duplicates = DuplicateRequestDetector()

    public init(gapSeconds: Double = 30 * 60) {
        grouper = SessionGrouper(gapSeconds: gapSeconds)
    }

    public func sessions(_ calls: [SessionCall], prices: PriceTable) -> [CallSession] {
        grouper.group(calls).map { session in
            var session = session
            let loops = retryLoops.detect(in: session)
            let inLoops = Set(loops.flatMap(\.callIDs))
            session.patterns = (loops + cacheBreaks.detect(in: session, prices: prices) + tokenSpikes.detect(in: session)
                + duplicates.detect(in: session, excluding: inLoops)).sorted { $0.timestampMicros < $1.timestampMicros }
            return session
        }
    }
}
