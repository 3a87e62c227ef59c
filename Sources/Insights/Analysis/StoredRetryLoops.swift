import Recorder

extension CallStore {
    /// The retry loops among the window's calls (fallback attempts TokenLens makes itself are
    /// not the client's repeats and are left out), oldest first.
    public func retryLoops(in window: TimeWindow, detector: RetryLoopDetector = RetryLoopDetector()) async throws -> [SessionPattern] {
        let rows = try await sessionCalls(fromMicros: window.startMicros, toMicros: window.endMicros,
                                          repeatedAtLeast: detector.minimumRepeats)
        return detector.loops(in: rows.map(SessionCall.init))
    }
}
