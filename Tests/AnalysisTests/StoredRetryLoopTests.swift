import Foundation
import Insights
import Providers
import Recorder
import Testing

/// Retry loops read from the store, as `tokenlens stats` and the digest read them.
struct StoredRetryLoopTests {
    /// The same request four times within seconds is a loop; the same request every minute is
    /// a schedule; twice is a retry; fallback attempts are TokenLens's own and never count.
    @Test func aPlantedLoopIsFoundAndNothingElse() async throws {
        let fixture = try AnalysisFixture()
        let start = AnalysisFixture.micros(day: 0, hour: 10)
        func at(_ seconds: Double) -> Int64 { start + Int64(seconds * 1_000_000) }
        var records = [0.0, 2, 4, 9].enumerated().map { index, seconds in
            AnalysisFixture.call("a\(index)", at: at(seconds), model: "gpt-5-mini", provider: "openai", fingerprint: "A")
        }
        records += [0.5, 60.5, 120.5].enumerated().map { index, seconds in
            AnalysisFixture.call("b\(index)", at: at(seconds), fingerprint: "B")
        }
        records += [0.0, 1].enumerated().map { index, seconds in
            AnalysisFixture.call("c\(index)", at: at(seconds), fingerprint: "C")
        }
        var attempt = AnalysisFixture.call("c0.1", at: at(0.5), outcome: .upstreamError, status: 503, fingerprint: "C")
        attempt.id = "c0.1"
        records.append(attempt)
        try await fixture.insert(records)
        let window = TimeWindow(days: 1, now: AnalysisFixture.now)
        let loops = try await fixture.store.retryLoops(in: window)
        #expect(loops.count == 1)
        #expect(loops.first?.callIDs == ["a0", "a1", "a2", "a3"])
        #expect(loops.first?.model == "gpt-5-mini")
        #expect(loops.first?.lastTimestampMicros == at(9))
        // A longer allowed pause joins the minute-spaced requests into a loop too.
        let patient = try await fixture.store.retryLoops(in: window, detector: RetryLoopDetector(windowSeconds: 61))
        #expect(patient.map(\.callIDs.count) == [4, 3])
        let strict = try await fixture.store.retryLoops(in: window, detector: RetryLoopDetector(minimumRepeats: 5))
        #expect(strict.isEmpty)
    }
}
