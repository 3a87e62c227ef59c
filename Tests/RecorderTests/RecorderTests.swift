import Foundation
import Providers
@testable import Recorder
import Synchronization
import Testing

/// The recorder against a real SQLite file in a temporary folder.
struct RecorderTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "tokenlens-recorder-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func openStore() throws -> CallStore {
        try CallStore(path: folder + "/usage.db")
    }

    static func record(_ index: Int, source: String = "agent", model: String? = "gpt-4o", costPico: Int64? = 1_000_000,
                       micros: Int64 = Int64(Date().timeIntervalSince1970 * 1_000_000), outcome: Outcome = .ok) -> CallRecord {
        CallRecord(
            id: String(format: "01TEST%020d", index), timestampMicros: micros, provider: "openai",
            endpoint: "chat.completions", requestedModel: model, model: model, source: source,
            tags: ["team": "search"], stream: index % 2 == 0, statusCode: 200, outcome: outcome,
            usage: Usage(inputTokens: 100, outputTokens: 10, cacheReadTokens: 50, cacheWriteTokens: 5, reasoningTokens: 3),
            cost: costPico.map { CostBreakdown(input: $0, cacheSavings: 7) }, latencyMs: 12.5, ttftMs: 3.25,
            overheadMs: 0.125, attempts: 1, policyVersion: "abc123")
    }

    @Test func writesInWALModeAndReadsBack() async throws {
        let store = try openStore()
        let recorder = Recorder(store: store, queueCapacity: 1000, batchLimit: 7)
        let writer = Task { await recorder.run() }
        let records = (0..<50).map { Self.record($0) }
        for record in records { #expect(recorder.record(record)) }
        recorder.close()
        await writer.value
        #expect(try await store.callCount() == 50)
        #expect(recorder.statistics.written == 50)
        let mode = try await store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")

        let recent = try await store.recent(RecentFilter(limit: 3))
        #expect(recent.map(\.id) == [records[49].id, records[48].id, records[47].id])
        #expect(recent.first == records[49])
    }

    /// Text is bound from one buffer per row without a copy: every row of a batch must read
    /// back with its own values (empty, missing, non-ASCII, long), none with a neighbour's.
    @Test func everyRowOfABatchKeepsItsOwnText() async throws {
        let store = try openStore()
        let records = (0..<12).map { index -> CallRecord in
            var record = Self.record(index, source: index % 3 == 0 ? "" : "agent-\(index)-é", model: index % 4 == 0 ? nil : "model-\(index)")
            record.errorMessage = index % 2 == 0 ? nil : String(repeating: "ü\(index)", count: index * 40)
            record.blockedBy = index == 5 ? "" : nil
            record.tags = index % 5 == 0 ? [:] : ["k\(index)": "v\(index)"]
            record.rules = (0..<index % 3).map { "rule:\($0)" }
            record.sessionID = index == 7 ? "session-7" : nil
            return record
        }
        try await store.insert(records)
        for record in records {
            #expect(try await store.record(id: record.id) == record)
        }
    }

    @Test func fullQueueDropsAndCountsWithoutBlocking() async throws {
        let store = try openStore()
        let recorder = Recorder(store: store, queueCapacity: 10)
        // No writer running: the queue fills and every further call is dropped at once.
        var accepted = 0
        for index in 0..<25 where recorder.record(Self.record(index)) { accepted += 1 }
        #expect(accepted == 10)
        #expect(recorder.statistics.dropped == 15)
        #expect(recorder.statistics.pending == 10)
        let writer = Task { await recorder.run() }
        recorder.close()
        await writer.value
        #expect(try await store.callCount() == 10)
    }

    @Test func committedBatchesReachSubscribersAfterTheyAreStored() async throws {
        let store = try openStore()
        let seen = SeenRecords()
        let recorder = Recorder(store: store) { batch in seen.add(batch) }
        let writer = Task { await recorder.run() }
        for index in 0..<20 { recorder.record(Self.record(index)) }
        recorder.close()
        await writer.value
        #expect(seen.ids == (0..<20).map { Self.record($0).id })
    }

    @Test func completionsRunOnTheWriterBeforeTheRecordIsStored() async throws {
        let store = try openStore()
        let recorder = Recorder(store: store)
        let ran = Mutex(0)
        for index in 0..<5 {
            recorder.record(Self.record(index)) { record in
                ran.withLock { $0 += 1 }
                record.tags["completed"] = "yes"
            }
        }
        // Nothing runs on the caller's side while the queue is short.
        #expect(ran.withLock { $0 } == 0)
        let writer = Task { await recorder.run() }
        recorder.close()
        await writer.value
        #expect(ran.withLock { $0 } == 5)
        let stored = try await store.recent(RecentFilter(limit: 10))
        #expect(stored.count == 5)
        #expect(stored.allSatisfy { $0.tags["completed"] == "yes" })
    }

    @Test func batchesAreCompletedStoredAndPublishedOnTheRecordersOwnThread() async throws {
        let store = try openStore()
        let threads = Mutex<Set<String>>([])
        let recorder = Recorder(store: store) { _ in
            threads.withLock { _ = $0.insert("commit:" + (Thread.current.name ?? "?")) }
        }
        let writer = Task { await recorder.run() }
        for index in 0..<30 {
            recorder.record(Self.record(index)) { _ in
                threads.withLock { _ = $0.insert("complete:" + (Thread.current.name ?? "?")) }
            }
        }
        recorder.close()
        await writer.value
        // Not the event loops (or the cooperative pool) that the writer task runs on.
        #expect(threads.withLock { $0 } == ["complete:tl-recorder", "commit:tl-recorder"])
        #expect(try await store.callCount() == 30)
    }

    @Test func aLongQueueCompletesRecordsBeforeQueueingThem() async throws {
        let store = try openStore()
        let recorder = Recorder(store: store)
        // No writer running: the deferred work would hold its inputs for as long as the queue is long.
        for index in 0..<Recorder.deferredCompletionLimit { recorder.record(Self.record(index)) }
        let ran = Mutex(false)
        recorder.record(Self.record(Recorder.deferredCompletionLimit)) { record in
            ran.withLock { $0 = true }
            record.tags["completed"] = "inline"
        }
        #expect(ran.withLock { $0 })
        let writer = Task { await recorder.run() }
        recorder.close()
        await writer.value
        let newest = try await store.recent(RecentFilter(limit: 1))
        #expect(newest.first?.tags["completed"] == "inline")
    }

    @Test func summariesAddUpExactly() async throws {
        let store = try openStore()
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let yesterday = now - 86_400_000_000
        try await store.insert([
            Self.record(1, source: "a", costPico: 1_000_000, micros: now),
            Self.record(2, source: "a", costPico: 2_500_000, micros: now),
            Self.record(3, source: "b", model: "mystery", costPico: nil, micros: now),
            Self.record(4, source: "b", costPico: 4_000_000, micros: yesterday, outcome: .upstreamError),
            Self.record(5, source: "b", costPico: 8_000_000, micros: now - 40 * 86_400_000_000),
        ])
        let window = TimeWindow(days: 2)
        let totals = try await store.totals(in: window)
        #expect(totals.calls == 4)
        #expect(totals.pricedCalls == 3)
        #expect(totals.costPico == 7_500_000)
        #expect(totals.errors == 1)
        #expect(totals.inputTokens == 400 && totals.cacheReadTokens == 200 && totals.reasoningTokens == 12)
        #expect(totals.cacheSavingsPico == 21)
        #expect(try await store.unpricedModels(in: window) == ["mystery"])

        let days = try await store.daily(in: window)
        #expect(days.count == 2)
        #expect(days.map(\.totals.calls) == [1, 3])
        #expect(days.map(\.totals.costPico) == [4_000_000, 3_500_000])

        let sources = try await store.sources(in: window)
        #expect(sources.map(\.source) == ["b", "a"])
        #expect(sources.first?.models == ["gpt-4o", "mystery"])
        #expect(sources.last?.totals.costPico == 3_500_000)

        let empty = try await store.daily(in: TimeWindow(days: 7, now: Date(timeIntervalSince1970: 0)))
        #expect(empty.count == 7 && empty.allSatisfy { $0.totals.calls == 0 })
    }

    @Test func reopeningAnExistingDatabaseKeepsItsCalls() async throws {
        let first = try openStore()
        try await first.insert([Self.record(1)])
        let second = try openStore()
        #expect(try await second.callCount() == 1)
    }

    @Test func timeWindowLabels() {
        let window = TimeWindow(days: 3, now: Date(timeIntervalSince1970: 1_709_251_200)) // 2024-03-01T00:00Z
        #expect(window.dayLabels == ["2024-02-28", "2024-02-29", "2024-03-01"])
    }
}

final class SeenRecords: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func add(_ batch: [CallRecord]) {
        lock.lock()
        storage += batch.map(\.id)
        lock.unlock()
    }

    var ids: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
