@testable import Recorder
import Testing

/// The hand-off between the proxy and its writers.
struct BoundedQueueTests {
    /// The consumer takes what is there, waits while nothing is, and ends after the close
    /// once it has taken everything. Room for all six: no offer depends on the consumer's pace.
    @Test func aTaskWaitsForElementsAndTheClose() async {
        let queue = BoundedQueue<Int>(capacity: 6)
        let consumer = Task {
            var seen: [Int] = []
            while true {
                let batch = await queue.take(limit: 3)
                if batch.isEmpty { return seen }
                seen += batch
            }
        }
        for value in 0..<4 { #expect(queue.offer(value)) }
        try? await Task.sleep(for: .milliseconds(20))
        for value in 4..<6 { #expect(queue.offer(value)) }
        queue.close()
        #expect(!queue.offer(6))
        #expect(await consumer.value == [0, 1, 2, 3, 4, 5])
    }

    @Test func aFullQueueDropsAndCounts() {
        let queue = BoundedQueue<Int>(capacity: 2)
        #expect(queue.offer(1) && queue.offer(2))
        #expect(!queue.offer(3))
        #expect(queue.counters.accepted == 2)
        #expect(queue.counters.dropped == 1)
        #expect(queue.takeAvailable(limit: 5) == [1, 2])
        #expect(queue.takeAvailable(limit: 5).isEmpty)
    }
}
