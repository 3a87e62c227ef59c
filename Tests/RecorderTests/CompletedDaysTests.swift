import Foundation
import Providers
@testable import Recorder
import Testing

/// The usage views keep their completed days' answers in memory; a late write into one of
/// those days, or a prune, must show in the very next view.
struct CompletedDaysTests {
    static let day: Int64 = 86_400_000_000

    @Test func viewsFollowLateWritesAndPrunes() async throws {
        let store = try RecorderTests().openStore()
        let todayStart = (Int64(Date().timeIntervalSince1970 * 1_000_000) / Self.day) * Self.day
        var records: [CallRecord] = []
        for index in 0..<60 {
            let daysAgo = Int64(index % 6)
            records.append(RecorderTests.record(index, source: "s\(index % 3)", model: index % 4 == 0 ? "gpt-4o-mini" : "gpt-4o",
                                                micros: todayStart - daysAgo * Self.day + Int64(index) * 1_000_000))
        }
        try await store.insert(records)
        let window = TimeWindow(days: 10)
        let totals = try await store.totals(in: window)
        #expect(totals.calls == 60)
        #expect(try await store.totals(in: window) == totals)
        let daily = try await store.daily(in: window)
        let sources = try await store.sources(in: window)
        let models = try await store.models(in: window)
        let series = try await store.series(in: window, by: SeriesDimension.source)

        // A call written late into a completed day (three days ago), from a new source.
        let late = RecorderTests.record(1_000, source: "late", model: "o3", costPico: 5_000_000,
                                        micros: todayStart - 3 * Self.day + 7_000_000)
        try await store.insert([late])
        let after = try await store.totals(in: window)
        #expect(after.calls == 61)
        #expect(after.costPico == totals.costPico + 5_000_000)
        let dailyAfter = try await store.daily(in: window)
        #expect(dailyAfter[6].totals.calls == daily[6].totals.calls + 1)
        let sourcesAfter = try await store.sources(in: window)
        #expect(sourcesAfter.map(\.source).sorted() == (sources.map(\.source) + ["late"]).sorted())
        let modelsAfter = try await store.models(in: window)
        #expect(modelsAfter.count == models.count + 1)
        let seriesAfter = try await store.series(in: window, by: SeriesDimension.source)
        #expect(seriesAfter.count == series.count + 1)

        // Pruning days into rollups changes no total.
        _ = try await store.prune(retentionDays: 2)
        #expect(try await store.totals(in: window) == after)
        let dailyPruned = try await store.daily(in: window)
        #expect(dailyPruned.map(\.totals.calls) == dailyAfter.map(\.totals.calls))
        let sourcesPruned = try await store.sources(in: window)
        #expect(sourcesPruned.map(\.totals.calls).reduce(0, +) == 61)
    }
}
