import Foundation
@testable import Recorder
import Synchronization
import Testing

struct WriterThreadTests {
    @Test func jobsRunInTheOrderGivenOnTheThreadItself() async {
        let thread = WriterThread(name: "tl-test-writer")
        defer { thread.stop() }
        let seen = Mutex<(order: [Int], names: Set<String>)>(([], []))
        for index in 0..<50 {
            thread.submit {
                seen.withLock { seen in
                    seen.order.append(index)
                    seen.names.insert(Thread.current.name ?? "?")
                }
            }
        }
        // Given after the fifty, so it runs after them.
        await thread.run {}
        #expect(seen.withLock { $0.order } == Array(0..<50))
        #expect(seen.withLock { $0.names } == ["tl-test-writer"])
    }

    @Test func jobsGivenBeforeStopStillRun() async {
        let thread = WriterThread(name: "tl-test-writer")
        let ran = Mutex(0)
        for _ in 0..<10 {
            thread.submit {
                Thread.sleep(forTimeInterval: 0.001)
                ran.withLock { $0 += 1 }
            }
        }
        thread.stop()
        // The thread drains what it was given and then ends; poll rather than join.
        for _ in 0..<500 where ran.withLock({ $0 }) < 10 { try? await Task.sleep(for: .milliseconds(2)) }
        #expect(ran.withLock { $0 } == 10)
    }
}
