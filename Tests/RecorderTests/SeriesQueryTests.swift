import Foundation
import Providers
@testable import Recorder
import Testing

/// The breakdown behind the dashboard's tables: totals per group equal the summaries', and
/// each group's days add up to them, one entry per day of the window.
struct SeriesQueryTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "tokenlens-series-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    @Test func groupsAddUpPerDayAndMatchTheSummaries() async throws {
        let store = try CallStore(path: folder + "/usage.db")
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let yesterday = now - 86_400_000_000
        try await store.insert([
            RecorderTests.record(1, source: "a", model: "gpt-4o", costPico: 1_000_000, micros: now),
            RecorderTests.record(2, source: "a", model: "gpt-4o-mini", costPico: 2_500_000, micros: yesterday),
            RecorderTests.record(3, source: "b", model: "gpt-4o", costPico: 4_000_000, micros: now),
            RecorderTests.record(4, source: "b", model: nil, costPico: nil, micros: now, outcome: .blocked),
            RecorderTests.record(5, source: "b", model: "gpt-4o", costPico: 9_000_000, micros: now - 40 * 86_400_000_000),
        ])
        let window = TimeWindow(days: 3)
        let bySource = try await store.series(in: window, by: .source)
        #expect(bySource.map(\.key) == ["b", "a"], "most expensive first")
        let summaries = try await store.sources(in: window)
        for group in bySource {
            let summary = try #require(summaries.first { $0.source == group.key })
            #expect(group.totals == summary.totals)
            #expect(group.dailyCostPico.count == 3 && group.dailyCalls.count == 3)
            #expect(group.dailyCostPico.reduce(0, +) == group.totals.costPico)
            #expect(group.dailyCalls.reduce(0, +) == group.totals.calls)
            #expect(group.lastSeenMicros == summary.lastSeenMicros)
        }
        let a = try #require(bySource.last)
        #expect(a.dailyCostPico == [0, 2_500_000, 1_000_000])

        let byModel = try await store.series(in: window, by: .model)
        #expect(Set(byModel.map(\.key)) == ["gpt-4o", "gpt-4o-mini", ""])
        #expect(byModel.first { $0.key == "gpt-4o" }?.totals.calls == 2)
        #expect(byModel.allSatisfy { $0.provider == "openai" })
        #expect(try await store.series(in: TimeWindow(days: 2, now: Date(timeIntervalSince1970: 0)), by: .provider).isEmpty)
    }
}
