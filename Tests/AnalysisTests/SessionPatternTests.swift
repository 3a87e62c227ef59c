import Foundation
import Insights
import Providers
import Testing

/// Session grouping and the tokmon patterns, on calls built by hand.
struct SessionPatternTests {
    static let second: Int64 = 1_000_000

    static func call(_ id: String, _ seconds: Int64, source: String = "agent", session: String? = nil,
                     input: Int64 = 1_000, output: Int64 = 100, cacheRead: Int64 = 0, cost: Int64? = 1_000,
                     fingerprint: String? = nil, failed: Bool = false, model: String = "claude-sonnet-4-5") -> SessionCall {
        SessionCall(id: id, timestampMicros: 1_700_000_000 * second + seconds * second, source: source, sessionID: session,
                    provider: "anthropic", model: model, failed: failed, inputTokens: input, outputTokens: output,
                    cacheReadTokens: cacheRead, costPico: cost, fingerprint: fingerprint ?? id)
    }

    @Test func groupsBySourceAndGapAndHonoursExplicitIDs() {
        let calls = [
            Self.call("a1", 0), Self.call("a2", 60), Self.call("b1", 30, source: "other"),
            Self.call("a3", 60 + 31 * 60),                      // 31 minutes later: a new session
            Self.call("x1", 10, session: "task-7"), Self.call("x2", 5_000, source: "other", session: "task-7"),
        ]
        let sessions = SessionGrouper(gapSeconds: 30 * 60).group(calls)
        #expect(sessions.map { $0.calls.map(\.id) } == [["a1", "a2"], ["x1", "x2"], ["b1"], ["a3"]])
        let explicit = sessions.first { $0.explicit }
        #expect(explicit?.id == "task-7")
        #expect(explicit?.sources == ["agent", "other"])
        #expect(sessions[0].id == "agent@a1")
        #expect(sessions[0].durationSeconds == 60)
    }

    /// The same fingerprint four times in six seconds is a loop; the same request twice, or
    /// three times a minute apart, is not.
    @Test func plantedRetryLoopIsFlagged() throws {
        let calls = [
            Self.call("r1", 0, cost: 5, fingerprint: "same"), Self.call("r2", 2, cost: 5, fingerprint: "same"),
            Self.call("r3", 4, cost: 5, fingerprint: "same"), Self.call("r4", 6, cost: 5, fingerprint: "same"),
            Self.call("ok1", 8, fingerprint: "pair"), Self.call("ok2", 9, fingerprint: "pair"),
            Self.call("s1", 100, fingerprint: "slow"), Self.call("s2", 160, fingerprint: "slow"),
            Self.call("s3", 220, fingerprint: "slow"),
        ]
        let session = try #require(SessionAnalyzer().sessions(calls, prices: .shipped).first)
        let loops = session.patterns.filter { $0.kind == .retryLoop }
        #expect(loops.count == 1)
        #expect(loops.first?.callIDs == ["r1", "r2", "r3", "r4"])
        #expect(loops.first?.extraCostPico == 15)
        #expect(loops.first?.figures.first == EvidenceFigure("repeats", 4))
    }

    /// Three warm calls reading 80% of the prompt from cache, then one reading nothing: a break,
    /// re-sending the 8,000 cached tokens at $3 instead of $0.30 per million (Sonnet 4.5).
    @Test func cacheBreakIsFlaggedWithItsCost() throws {
        let calls = [
            Self.call("c1", 0, input: 2_000, cacheRead: 8_000), Self.call("c2", 60, input: 2_000, cacheRead: 8_000),
            Self.call("c3", 120, input: 2_000, cacheRead: 8_000), Self.call("c4", 180, input: 10_000, cacheRead: 0),
            Self.call("c5", 240, input: 2_000, cacheRead: 8_000),
        ]
        let session = try #require(SessionAnalyzer().sessions(calls, prices: .shipped).first)
        let breaks = session.patterns.filter { $0.kind == .cacheBreak }
        #expect(breaks.count == 1)
        #expect(breaks.first?.callIDs == ["c3", "c4"])
        let expected: Int64 = 8_000 * (3_000_000 - 300_000)
        #expect(breaks.first?.extraCostPico == expected)
        // A steady uncached session has no break.
        let cold = (0..<5).map { Self.call("u\($0)", Int64($0) * 60, input: 10_000) }
        #expect(SessionAnalyzer().sessions(cold, prices: .shipped).flatMap(\.patterns).isEmpty)
    }

    @Test func tokenSpikeAgainstTheSessionMedian() throws {
        var calls = (0..<6).map { Self.call("t\($0)", Int64($0) * 30, input: 2_000, output: 200) }
        calls.append(Self.call("big", 400, input: 40_000, output: 2_000, cost: 4_200))
        let session = try #require(SessionAnalyzer().sessions(calls, prices: .shipped).first)
        let spikes = session.patterns.filter { $0.kind == .tokenSpike }
        #expect(spikes.map(\.callIDs) == [["big"]])
        // Median 2,200 tokens; the spike has 42,000: the extra is its cost beyond a median call.
        let expected: Int64 = 4_200 - 220
        #expect(spikes.first?.extraCostPico == expected)
    }

    @Test func duplicateRequestsOutsideLoops() throws {
        let calls = [Self.call("d1", 0, cost: 7, fingerprint: "q"), Self.call("d2", 600, cost: 7, fingerprint: "q"),
                     Self.call("d3", 1_200, cost: 7, fingerprint: "q"), Self.call("d4", 9_000, cost: 7, fingerprint: "q")]
        let patterns = SessionAnalyzer(gapSeconds: 3 * 3_600).sessions(calls, prices: .shipped).flatMap(\.patterns)
        #expect(patterns.map(\.kind) == [.duplicateRequest])
        #expect(patterns.first?.callIDs == ["d1", "d2", "d3"])
        #expect(patterns.first?.extraCostPico == 14)
    }

    /// Through the store: a loop planted among ordinary calls shows in the sessions endpoint
    /// and as a retry-loop recommendation naming its calls.
    @Test func retryLoopThroughTheEndpoints() async throws {
        let fixture = try AnalysisFixture()
        var records: [CallRecord] = []
        for index in 0..<10 {
            records.append(AnalysisFixture.call("N\(index)", at: AnalysisFixture.micros(day: 0, hour: 9) + Int64(index) * 90 * Self.second,
                                                source: "coder", fingerprint: "fp-\(index)"))
        }
        let loopStart = AnalysisFixture.micros(day: 0, hour: 9.25)
        let loopIDs = (0..<5).map { "L\($0)" }
        for (index, id) in loopIDs.enumerated() {
            records.append(AnalysisFixture.call(id, at: loopStart + Int64(index) * 2 * Self.second, source: "coder",
                                                outcome: index < 4 ? .upstreamError : .ok, status: index < 4 ? 500 : 200,
                                                fingerprint: "stuck"))
        }
        try await fixture.insert(records)
        let sessions = try await fixture.get("/api/usage/sessions")
        #expect(sessions.object("pattern_counts")?.int("retry_loop") == 1)
        let session = try #require(sessions.array("sessions").first)
        #expect(session.string("source") == "coder")
        #expect(session.int("calls") == 15)
        let loop = try #require(session.array("patterns").first { $0.string("type") == "retry_loop" })
        #expect(loop["call_ids"] as? [String] == loopIDs)
        let recommendations = try await fixture.get("/api/usage/recommendations")
        let retry = try #require(recommendations.array("recommendations").first { $0.string("check") == "retry_loops" })
        #expect(retry.object("evidence")?["call_ids"] as? [String] == loopIDs)
        #expect(retry.string("source") == "coder")
    }
}
