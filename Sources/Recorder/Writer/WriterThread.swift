#if canImport(Glibc)
import CLibcExtras
#endif
import DequeModule
import Foundation

/// The recorder's own thread: runs jobs one after another, in the order they were given.
///
/// Completing, storing and publishing a batch is milliseconds of work. On the event loops (where
/// Swift concurrency runs in the daemon) it held up the requests of the loop it landed on, and
/// on libdispatch's threads it ran at a higher priority than the loops when the daemon runs as
/// root; here it is paced by `CorePacer`, and SQLite runs on this thread too (GRDB runs a
/// synchronous write on the calling thread).
final class WriterThread: @unchecked Sendable {
    // Guarded by `condition`'s lock.
    private var jobs: Deque<@Sendable () -> Void> = []
    private var stopping = false
    private let condition = NSCondition()

    init(name: String) {
        let thread = Thread { [self] in
            // Foundation's `Thread.name` did not always reach the system thread.
            #if canImport(Glibc)
            _ = pthread_setname_np(pthread_self(), String(name.utf8.prefix(15))!)
            #endif
            work()
        }
        thread.start()
    }

    /// Runs `job` on the thread and returns its result.
    func run<Result: Sendable>(_ job: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: job()) }
        }
    }

    /// Lets the thread end once the jobs given so far have run.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// Queues `job` without waiting for it.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            guard let job = jobs.popFirst() else {
                condition.unlock()
                return
            }
            condition.unlock()
            job()
        }
    }
}
