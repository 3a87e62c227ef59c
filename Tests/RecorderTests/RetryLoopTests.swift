import Foundation
import Providers
@testable import Recorder
import Testing

struct RetryLoopTests {
    static func call(_ id: String, _ fingerprint: String, _ seconds: Double) -> RetryLoopDetector.Call {
        RetryLoopDetector.Call(id: id, fingerprint: fingerprint, timestampMicros: Int64(seconds * 1_000_000), source: "agent", model: "m")
    }

    @Test func aPlantedLoopIsFoundAndSpacedRepeatsAreNot() {
        let calls = [
            Self.call("a1", "A", 0), Self.call("a2", "A", 2), Self.call("a3", "A", 4), Self.call("a4", "A", 9),
            // The same request every minute is a schedule, not a loop.
            Self.call("b1", "B", 0), Self.call("b2", "B", 60), Self.call("b3", "B", 120),
            // Twice is a retry, not a loop.
            Self.call("c1", "C", 0), Self.call("c2", "C", 1),
        ]
        let loops = RetryLoopDetector.loops(in: calls)
        #expect(loops.count == 1)
        #expect(loops.first?.fingerprint == "A")
        #expect(loops.first?.count == 4)
        #expect(loops.first?.callIDs == ["a1", "a2", "a3", "a4"])
        #expect(loops.first?.lastMicros == 9_000_000)
    }

    @Test func aPauseSplitsLoops() {
        let calls = (0..<3).map { Self.call("x\($0)", "X", Double($0)) } + (0..<3).map { Self.call("y\($0)", "X", 100 + Double($0)) }
        #expect(RetryLoopDetector.loops(in: calls).map(\.count) == [3, 3])
        #expect(RetryLoopDetector.loops(in: calls, maxGapSeconds: 200).map(\.count) == [6])
        #expect(RetryLoopDetector.loops(in: calls, minimumRepeats: 4).isEmpty)
    }

    @Test func fromTheStoreIgnoringFallbackAttempts() async throws {
        let folder = NSTemporaryDirectory() + "tokenlens-loops-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try CallStore(path: folder + "/usage.db")
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        var records = (0..<3).map { index -> CallRecord in
            var record = RecorderTests.record(index, micros: now - 10_000_000 + Int64(index) * 1_000_000)
            record.fingerprint = "same"
            return record
        }
        // A fallback attempt shares its call's fingerprint: TokenLens's own retry, not a loop.
        var attempt = records[0]
        attempt.id += ".1"
        records.append(attempt)
        var other = RecorderTests.record(10, micros: now)
        other.fingerprint = "other"
        records.append(other)
        try await store.insert(Array(records[1...]))
        #expect(try await store.retryLoops(in: TimeWindow(days: 1)).isEmpty)
        try await store.insert([records[0]])
        let loops = try await store.retryLoops(in: TimeWindow(days: 1))
        #expect(loops.map(\.count) == [3])
        #expect(loops.first?.callIDs.contains { $0.contains(".") } == false)
    }
}
