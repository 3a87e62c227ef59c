#if canImport(Glibc)
import Glibc
#endif

/// Hands the core to other threads every so often during a long stretch of background work.
///
/// Linux defers preempting a running thread for one it has just woken until the next timer tick
/// (milliseconds away), and places a woken thread on a core that is busy with such work as
/// readily as on an idle one. Measured at one connection: the proxy's event loop, or the client
/// or provider it was waiting for, sat up to 3 ms behind a batch of analyses and inserts, which
/// made the p99 of a proxied call 2 ms. Yielding every 100 µs bounds that wait; with nobody
/// waiting a yield costs one short system call.
struct CorePacer {
    static let interval: Duration = .microseconds(100)

    /// Off when throughput matters more than anyone's wait: a writer behind on its queue that
    /// gave the core away every 100 µs wrote a third as many calls a second, and under load the
    /// calls that queued meanwhile held 2–3 MB more.
    let enabled: Bool
    private var lastYield = ContinuousClock.now

    init(enabled: Bool) {
        self.enabled = enabled
    }

    mutating func breathe() {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - lastYield >= Self.interval else { return }
        #if canImport(Glibc)
        sched_yield()
        #endif
        lastYield = ContinuousClock.now
    }
}
