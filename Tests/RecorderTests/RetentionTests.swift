import Foundation
import Providers
@testable import Recorder
import Testing

/// Pruning folds old calls into daily rollups: every total the usage API reads must be the
/// same before and after.
struct RetentionTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "tokenlens-retention-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    static let day: Int64 = 86_400_000_000
    static let now = Date(timeIntervalSince1970: 1_738_497_600) // 2025-02-02 12:00 UTC
    static var todayStart: Int64 { Int64(now.timeIntervalSince1970) / 86_400 * day }

    /// Calls over the last 10 days: several sources, models and outcomes, some unpriced.
    static func history() -> [CallRecord] {
        var records: [CallRecord] = []
        var index = 0
        for daysAgo in 0..<10 {
            for slot in 0..<(3 + daysAgo % 4) {
                index += 1
                let source = ["agent", "cli", "batch"][slot % 3]
                let model: String? = slot % 4 == 3 ? "local-llama" : (slot % 2 == 0 ? "gpt-4o" : "claude-sonnet-4-5")
                let priced = model != "local-llama"
                let outcome: Outcome = slot == 1 && daysAgo % 3 == 0 ? .upstreamError : (slot == 2 && daysAgo == 7 ? .blocked : .ok)
                let micros = todayStart - Int64(daysAgo) * day + Int64(slot) * 3_600_000_000 + 1_000
                var record = CallRecord(
                    id: String(format: "01RET%021d", index), timestampMicros: micros, provider: model == "gpt-4o" ? "openai" : "anthropic",
                    endpoint: "chat.completions", requestedModel: model, model: model, source: source, statusCode: 200,
                    outcome: outcome,
                    usage: Usage(inputTokens: Int64(100 * slot + daysAgo), outputTokens: 20, cacheReadTokens: Int64(10 * daysAgo),
                                 cacheWriteTokens: 3, reasoningTokens: 2),
                    cost: priced ? CostBreakdown(input: Int64(1_000 + index), output: 500, reasoning: 7, cacheRead: 11,
                                                 cacheWrite: 13, cacheSavings: 17) : nil,
                    latencyMs: Double(10 + slot), policyVersion: "v")
                record.fingerprint = "fp\(index)"
                records.append(record)
            }
        }
        return records
    }

    struct Views: Equatable {
        var kpi: UsageTotals
        var daily: [DailyUsage]
        var sources: [SourceUsage]
        var models: [ModelUsage]
        var unpriced: [String]
        var spend: Int64
    }

    func views(_ store: CallStore, days: Int = 30) async throws -> Views {
        let window = TimeWindow(days: days, now: Self.now)
        var sources = try await store.sources(in: window)
        // Last-seen of a pruned source is kept to its last call, so it compares equal too.
        sources.sort { $0.source < $1.source }
        return Views(kpi: try await store.totals(in: window), daily: try await store.daily(in: window), sources: sources,
                     models: try await store.models(in: window).sorted { ($0.model, $0.provider) < ($1.model, $1.provider) },
                     unpriced: try await store.unpricedModels(in: window),
                     spend: try await store.spend(since: window.startMicros).total)
    }

    @Test func pruneKeepsEveryTotalThroughRollups() async throws {
        let store = try CallStore(path: folder + "/usage.db")
        let records = Self.history()
        try await store.insert(records)
        try await store.insert(logs: records.suffix(3).map { record in
            RequestLog(redacting: CapturedExchange(callID: record.id, timestampMicros: record.timestampMicros, method: "POST", path: "/v1/x"))
        })
        let before = try await views(store)
        let recentBefore = try await views(store, days: 3)

        let plan = try await store.prunePlan(retentionDays: 3, now: Self.now)
        #expect(!plan.applied)
        #expect(plan.days.map(\.date) == ["2025-01-24", "2025-01-25", "2025-01-26", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30"])
        let old = records.filter { $0.timestampMicros < Self.todayStart - 2 * Self.day }
        #expect(plan.calls == Int64(old.count))
        #expect(plan.costPico == old.compactMap(\.costPicodollars).reduce(0, +))
        #expect(plan.requestLogs == 3)
        // A dry run changes nothing.
        #expect(try await store.callCount() == records.count)

        let applied = try await store.prune(retentionDays: 3, now: Self.now)
        #expect(applied.applied)
        #expect(applied.calls == plan.calls)
        #expect(try await store.callCount() == records.count - old.count)
        #expect(try await store.requestLogCount() == 0)

        let after = try await views(store)
        #expect(after == before)
        #expect(try await views(store, days: 3) == recentBefore)
        #expect(after.unpriced == ["local-llama"])

        // Nothing left to prune; a second run changes nothing.
        #expect(try await store.prune(retentionDays: 3, now: Self.now).calls == 0)
        #expect(try await views(store) == before)
    }

    @Test func aLateCallForAPrunedDayAccumulatesInItsRollup() async throws {
        let store = try CallStore(path: folder + "/usage.db")
        let records = Self.history()
        try await store.insert(records)
        try await store.prune(retentionDays: 2, now: Self.now)
        var late = records[records.count - 1]
        late.id = "01RETLATE000000000000000001"
        try await store.insert([late])
        let expected = try await views(store)
        #expect(try await store.prune(retentionDays: 2, now: Self.now).calls == 1)
        #expect(try await views(store) == expected)
        let (source, model) = (late.source, late.model ?? "")
        let rows = try await store.read { db in
            try Int.fetchOne(db, sql: "SELECT calls FROM daily_rollups WHERE source = ? AND model = ? ORDER BY day LIMIT 1",
                             arguments: [source, model])
        }
        #expect((rows ?? 0) >= 2)
    }

    @Test func cutoffIsTheStartOfTheOldestKeptUTCDay() {
        #expect(CallStore.pruneCutoff(retentionDays: 1, now: Self.now) == Self.todayStart)
        #expect(CallStore.pruneCutoff(retentionDays: 30, now: Self.now) == Self.todayStart - 29 * Self.day)
        #expect(CallStore.micros(ofDay: "2025-02-02") == Self.todayStart)
        #expect(CallStore.micros(ofDay: "1970-01-01") == 0)
        #expect(TimeWindow.dayLabel(micros: CallStore.micros(ofDay: "2024-02-29")) == "2024-02-29")
    }
}
