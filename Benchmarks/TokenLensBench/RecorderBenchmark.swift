import Foundation
import Gateway
import Providers
import Recorder

/// Sustained recorder throughput: calls offered as fast as one producer can, written in
/// batched transactions to a real SQLite file (WAL), timed from the first offer to the last
/// commit. The queue is bounded as in the daemon; when it is full the producer yields and
/// offers again, so the figure is what the writer sustains, not how fast calls can be dropped.
enum RecorderBenchmark {
    static func run() async throws {
        let folder = NSTemporaryDirectory() + "tokenlens-bench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try CallStore(path: folder + "/usage.db")
        let total = 500_000
        let recorder = Recorder(store: store, queueCapacity: 65_536)
        let template = CallRecord(
            id: "", timestampMicros: Int64(Date().timeIntervalSince1970 * 1_000_000), provider: "openai",
            endpoint: "chat.completions", requestedModel: "gpt-4o-mini", model: "gpt-4o-mini-2024-07-18",
            source: "bench", tags: ["team": "search"], stream: true, statusCode: 200, outcome: .ok,
            usage: Usage(inputTokens: 1200, outputTokens: 300, cacheReadTokens: 1024, reasoningTokens: 0),
            cost: CostBreakdown(input: 180_000_000, output: 180_000_000, cacheRead: 76_800_000, cacheSavings: 76_800_000),
            latencyMs: 812.5, ttftMs: 95.25, overheadMs: 0.08, attempts: 1, policyVersion: "0123456789ab")
        let ids = RequestIDGenerator()
        let started = Date()
        let writer = Task { await recorder.run() }
        var retries = 0
        for index in 0..<total {
            var record = template
            record.id = ids.next()
            record.timestampMicros += Int64(index)
            while !recorder.record(record) {
                retries += 1
                await Task.yield()
            }
        }
        recorder.close()
        await writer.value
        let seconds = Date().timeIntervalSince(started)
        let written = try await store.callCount()
        print("## Recorder\n")
        print("| calls | seconds | calls/s | dropped | database size |")
        print("|---:|---:|---:|---:|---:|")
        print(String(format: "| %d | %.2f | %.0f | %d | %.1f MB |", written, seconds, Double(written) / seconds,
                     recorder.statistics.dropped - Int64(retries), Double(store.sizeOnDisk()) / 1_048_576))
        print("")
    }
}
