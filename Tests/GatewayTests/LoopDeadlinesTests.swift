@testable import Gateway
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The per-loop deadlines behind every proxied call's timeout, on a real event loop.
@Suite struct LoopDeadlinesTests {
    final class Log: Sendable {
        let fired = Mutex<[String]>([])
        func add(_ name: String) { fired.withLock { $0.append(name) } }
        var names: [String] { fired.withLock { $0 } }
    }

    @Test func actionsRunInDeadlineOrderAndCancelledOnesNever() async throws {
        let log = Log()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        nonisolated(unsafe) var deadlines: LoopDeadlines!
        try await loop.submit {
            deadlines = LoopDeadlines(loop: loop)
            let start = NIODeadline.now()
            _ = deadlines.schedule(at: start + .milliseconds(250)) { log.add("late") }
            let cancelled = deadlines.schedule(at: start + .milliseconds(20)) { log.add("cancelled") }
            // Earlier than the timer's current deadline: the timer must move forward for it.
            _ = deadlines.schedule(at: start + .milliseconds(10)) { log.add("early") }
            _ = deadlines.schedule(at: start + .milliseconds(30)) {
                log.add("middle")
                // Scheduled from inside a firing action (relative to the start, so a slow
                // machine cannot change the order).
                _ = deadlines.schedule(at: start + .milliseconds(35)) { log.add("chained") }
            }
            deadlines.cancel(cancelled)
        }.get()
        // Waits for the four to fire (at most 5 s); the order is what is checked, not the timing.
        var waited = 0
        while log.names.count < 4, waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(log.names == ["early", "middle", "chained", "late"])
        #expect(try await loop.submit { deadlines.count }.get() == 0)
        try await group.shutdownGracefully()
    }

    @Test func cancelledDeadlinesDoNotPileUp() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let stored = try await loop.submit {
            let deadlines = LoopDeadlines(loop: loop)
            var live: [LoopDeadlines.Token] = []
            // A long timeout under load: 100,000 calls, 32 in flight at a time.
            for _ in 0..<100_000 {
                live.append(deadlines.schedule(at: .now() + .seconds(600)) {})
                if live.count > 32 { deadlines.cancel(live.removeFirst()) }
            }
            return (deadlines.count, deadlines.storedEntries)
        }.get()
        #expect(stored.0 == 32)
        #expect(stored.1 <= 2 * 32 + 64 + 1)
        try await group.shutdownGracefully()
    }
}
