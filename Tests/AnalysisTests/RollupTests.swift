import Foundation
import Providers
@testable import Recorder
import Testing

/// The daily rollups add up to exactly what the calls add up to, and follow late writes.
struct RollupTests {
    static func records() -> [CallRecord] {
        var records: [CallRecord] = []
        let models = ["claude-sonnet-4-5", "gpt-5-mini", "gemini-2.5-pro", "local-model"]
        for index in 0..<400 {
            let day = -(index % 9)
            var record = AnalysisFixture.call(
                String(format: "R%05d", index), at: AnalysisFixture.micros(day: day, hour: Double(index % 23)),
                source: "s\(index % 5)", model: models[index % 4], provider: ["anthropic", "openai", "google", "openai"][index % 4],
                input: Int64(100 + index * 37), output: Int64(10 + index), cacheRead: Int64(index % 3 * 500),
                cacheWrite: Int64(index % 7 == 0 ? 300 : 0), reasoning: Int64(index % 4 == 1 ? 5 : 0),
                outcome: index % 17 == 0 ? .upstreamError : .ok, status: index % 17 == 0 ? 429 : 200,
                stream: index % 2 == 0, latencyMs: Double(index * 100), tags: index % 3 == 0 ? ["team": "a"] : [:],
                maxOutput: index % 2 == 0 ? 4_096 : nil,
                analysis: index % 5 == 0 ? nil : AnalysisFixture.analysis(system: 2_000, history: Int64(index * 10),
                                                                           whitespace: 3, complexity: Int64(index % 10)))
            if index == 5 { record.usage.inputTokens = 250_000 }   // one long-context prompt
            records.append(record)
        }
        return records
    }

    @Test func rollupsEqualLiveAggregation() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.insert(Self.records())
        let plan = RollupPlan(thresholds: [200_000, 128_000])
        let window = TimeWindow(days: 10, now: AnalysisFixture.now)
        let dimensions: [UsageDimension] = [.day, .provider, .source, .model, .stream, .outcome, .priced, .bracket]
        // The first query builds the rollups of the eight completed days and of today's hours
        // before noon; a clock at 1970 reads everything from the calls.
        let rolled = try await fixture.store.usage(in: window, by: dimensions, plan: plan, now: AnalysisFixture.now)
        let builtDays = try await fixture.store.rollupStamps(firstDay: AnalysisFixture.today - 9, untilDay: AnalysisFixture.today)
        #expect(builtDays.count == 8)
        let builtHours = try await fixture.store.hourStamps(firstHour: AnalysisFixture.today * 24,
                                                            untilHour: AnalysisFixture.today * 24 + 24)
        #expect(builtHours.keys.sorted() == (0..<12).map { AnalysisFixture.today * 24 + Int64($0) })
        let live = try await Self.liveOnly(fixture.store, window: window, dimensions: dimensions, plan: plan)
        #expect(Self.sorted(rolled) == Self.sorted(live))
        #expect(rolled.reduce(0) { $0 + $1.measures.calls } == 400)
        #expect(rolled.contains { $0.bracket == 2 })
        // Tags and complexity follow the same periods.
        let tagged = try await fixture.store.tagged(in: window, plan: plan, now: AnalysisFixture.now)
        #expect(tagged.map(\.tags) == [#"{"team":"a"}"#])
        #expect(tagged.first?.calls == 134)
        let complexity = try await fixture.store.complexity(in: window, plan: plan, now: AnalysisFixture.now)
        let liveComplexity = try await fixture.store.complexity(in: window, plan: plan, now: Date(timeIntervalSince1970: 0))
        #expect(complexity.map { "\($0)" }.sorted() == liveComplexity.map { "\($0)" }.sorted())
    }

    /// Grouped without the day, a group's completed days (cached after the first view) and its
    /// calls of today add up; a late write into a completed day shows in the next view.
    @Test func cachedCompletedDaysAddUpWithToday() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.insert(Self.records())
        let plan = RollupPlan(thresholds: [])
        let window = TimeWindow(days: 10, now: AnalysisFixture.now)
        let first = try await fixture.store.usage(in: window, by: [.source], plan: plan, now: AnalysisFixture.now)
        let live = try await Self.liveOnly(fixture.store, window: window, dimensions: [.source], plan: plan)
        #expect(Self.sorted(first) == Self.sorted(live))
        let again = try await fixture.store.usage(in: window, by: [.source], plan: plan, now: AnalysisFixture.now)
        #expect(Self.sorted(again) == Self.sorted(first))
        try await fixture.insert([AnalysisFixture.call("LATE", at: AnalysisFixture.micros(day: -3), output: 7_777)])
        let after = try await fixture.store.usage(in: window, by: [.source], plan: plan, now: AnalysisFixture.now)
        #expect(after.reduce(0) { $0 + $1.measures.calls } == first.reduce(0) { $0 + $1.measures.calls } + 1)
        #expect(after.reduce(0) { $0 + $1.measures.outputTokens } == first.reduce(0) { $0 + $1.measures.outputTokens } + 7_777)
    }

    /// A call recorded late into an hour of today already rolled up rebuilds that hour.
    @Test func lateWriteRebuildsItsHour() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.insert(Self.records())
        let plan = RollupPlan(thresholds: [])
        let window = TimeWindow(days: 1, now: AnalysisFixture.now)
        let before = try await fixture.store.usage(in: window, by: [], plan: plan, now: AnalysisFixture.now)
        try await fixture.insert([AnalysisFixture.call("LATE", at: AnalysisFixture.micros(day: 0, hour: 3.5), output: 7_777)])
        let after = try await fixture.store.usage(in: window, by: [], plan: plan, now: AnalysisFixture.now)
        #expect(after.first?.measures.calls == (before.first?.measures.calls ?? 0) + 1)
        #expect(after.first?.measures.outputTokens == (before.first?.measures.outputTokens ?? 0) + 7_777)
    }

    @Test func lateWriteRebuildsItsDay() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.insert(Self.records())
        let plan = RollupPlan(thresholds: [])
        let window = TimeWindow(days: 10, now: AnalysisFixture.now)
        let before = try await fixture.store.usage(in: window, by: [], plan: plan, now: AnalysisFixture.now)
        try await fixture.insert([AnalysisFixture.call("LATE", at: AnalysisFixture.micros(day: -4), input: 1_000_000)])
        let after = try await fixture.store.usage(in: window, by: [], plan: plan, now: AnalysisFixture.now)
        #expect(after.first?.measures.calls == (before.first?.measures.calls ?? 0) + 1)
        #expect(after.first?.measures.inputTokens == (before.first?.measures.inputTokens ?? 0) + 1_000_000)
    }

    /// Deleting old calls (retention) keeps their rollups: history charts survive pruning.
    @Test func rollupsSurvivePruning() async throws {
        let fixture = try AnalysisFixture()
        try await fixture.insert(Self.records())
        let plan = RollupPlan(thresholds: [])
        let window = TimeWindow(days: 10, now: AnalysisFixture.now)
        let before = try await fixture.store.usage(in: window, by: [.day], plan: plan, now: AnalysisFixture.now)
        let cutoff = AnalysisFixture.micros(day: -5, hour: 0)
        try await fixture.store.pool.write { db in try db.execute(sql: "DELETE FROM calls WHERE ts < ?", arguments: [cutoff]) }
        let after = try await fixture.store.usage(in: window, by: [.day], plan: plan, now: AnalysisFixture.now)
        #expect(Self.sorted(after) == Self.sorted(before))
    }

    static func liveOnly(_ store: CallStore, window: TimeWindow, dimensions: [UsageDimension], plan: RollupPlan) async throws -> [UsageSlice] {
        // Same view, every day from calls: a clock far in the past leaves nothing to roll up.
        try await store.usage(in: window, by: dimensions, plan: plan, now: Date(timeIntervalSince1970: 0))
    }

    static func sorted(_ slices: [UsageSlice]) -> [String] {
        slices.map { "\($0.day ?? -1)|\($0.provider ?? "")|\($0.source ?? "")|\($0.model ?? "")|\($0.stream.map { "\($0)" } ?? "")|\($0.outcome ?? "")|\($0.priced.map { "\($0)" } ?? "")|\($0.bracket ?? -1)|\($0.measures)" }
            .sorted()
    }
}
