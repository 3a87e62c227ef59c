import Foundation
import Insights
import Providers
import Testing

/// Rolling mean + 2σ: a planted spike is found, steady and new sources are not.
struct AnomalyTests {
    static let cent: Int64 = 10_000_000_000

    /// 20 days at 100 calls and $1 a day ± a little, then a day at 400 calls and $4.
    static func history(spikeOn spike: Int64?, days: ClosedRange<Int64> = 0...19) -> [SourceDay] {
        days.map { day in
            let wobble = Int64(day % 3) - 1   // -1, 0, +1
            if day == spike {
                return SourceDay(day: day, costPico: 400 * cent, calls: 400, tokens: 400 * 1_000)
            }
            return SourceDay(day: day, costPico: (100 + wobble * 5) * cent, calls: 100 + wobble * 5,
                             tokens: (100 + wobble * 5) * 1_000)
        }
    }

    @Test func plantedSpikeIsFoundSteadySourceIsNot() {
        let detector = AnomalyDetector()
        let spiky = detector.detect(source: "spiky", history: Self.history(spikeOn: 17), firstDay: 10, lastDay: 19)
        #expect(Set(spiky.map(\.metric)) == [.spend, .calls])
        #expect(spiky.allSatisfy { $0.day == 17 })
        let spend = spiky.first { $0.metric == .spend }
        #expect(spend?.value == Double(400 * Self.cent))
        #expect((spend?.zScore ?? 0) > 2)
        // Tokens per call stayed at 1,000: not an anomaly.
        #expect(!spiky.contains { $0.metric == .tokensPerCall })
        let steady = detector.detect(source: "steady", history: Self.history(spikeOn: nil), firstDay: 10, lastDay: 19)
        #expect(steady.isEmpty)
    }

    @Test func newSourceIsNotAnAnomaly() {
        let detector = AnomalyDetector()
        // First seen on day 15, then ten times busier on day 18: only 3 days of history.
        let young = [SourceDay(day: 15, costPico: 10 * Self.cent, calls: 10, tokens: 10_000),
                     SourceDay(day: 16, costPico: 10 * Self.cent, calls: 10, tokens: 10_000),
                     SourceDay(day: 18, costPico: 500 * Self.cent, calls: 500, tokens: 500_000)]
        #expect(detector.detect(source: "young", history: young, firstDay: 10, lastDay: 19).isEmpty)
        // The same jump after a week of history is one.
        let grown = (8...14).map { SourceDay(day: Int64($0), costPico: 10 * Self.cent, calls: 10, tokens: 10_000) }
            + [SourceDay(day: 15, costPico: 500 * Self.cent, calls: 500, tokens: 500_000)]
        #expect(!detector.detect(source: "grown", history: grown, firstDay: 10, lastDay: 19).isEmpty)
    }

    @Test func tokensPerCallSpikeWithSteadyCalls() {
        var history = Self.history(spikeOn: nil)
        history[18] = SourceDay(day: 18, costPico: 100 * Self.cent, calls: 100, tokens: 100 * 9_000)
        let found = AnomalyDetector().detect(source: "s", history: history, firstDay: 10, lastDay: 19)
        #expect(found.map(\.metric) == [.tokensPerCall])
        #expect(found.first?.value == 9_000)
    }

    /// Through the store: per source daily series, the spike found on its day, a steady and
    /// a new source silent.
    @Test func anomaliesEndpointOverStoredCalls() async throws {
        let fixture = try AnalysisFixture()
        var records: [CallRecord] = []
        var serial = 0
        func add(_ source: String, day: Int, calls: Int) {
            for index in 0..<calls {
                serial += 1
                records.append(AnalysisFixture.call(String(format: "A%06d", serial),
                                                    at: AnalysisFixture.micros(day: day, hour: 1 + Double(index) * 0.1),
                                                    source: source, input: 10_000, output: 500))
            }
        }
        for day in -25...0 {
            let wobble = (day + 30) % 3 - 1
            add("steady", day: day, calls: 12 + wobble)
            add("spiky", day: day, calls: day == -3 ? 60 : 12 + wobble)
        }
        for day in -2...0 { add("newcomer", day: day, calls: day == 0 ? 80 : 10) }
        try await fixture.insert(records)
        let json = try await fixture.get("/api/usage/anomalies", ["days": "14"])
        let anomalies = json.array("anomalies")
        #expect(!anomalies.isEmpty)
        #expect(anomalies.allSatisfy { $0.string("source") == "spiky" && $0.string("date") == "2026-03-12" })
        #expect(Set(anomalies.compactMap { $0.string("metric") }) == ["spend", "calls"])
        let spend = anomalies.first { $0.string("metric") == "spend" }
        #expect(spend?.string("unit") == "usd")
        // 60 calls of 10,000 input + 500 output tokens on Sonnet 4.5: 60 × ($0.03 + $0.0075).
        #expect(spend?.double("value") == 2.25)
        #expect(json.int("sources_checked") == 3)
    }
}
