#if canImport(Glibc)
import CLibcExtras
import Glibc
#endif
import DequeModule

/// The recorder's own thread: runs jobs one after another, in the order they were given.
///
/// Completing, storing and publishing a batch is milliseconds of work. On the event loops (where
/// Swift concurrency runs in the daemon) it held up the requests of the loop it landed on, and
/// on libdispatch's threads it ran at a higher priority than the loops when the daemon runs as
/// root; here it is paced by `CorePacer`, and SQLite runs on this thread too (GRDB runs a
/// synchronous write on the calling thread). A bare POSIX thread: Foundation's `Thread` cost
/// the daemon a megabyte more resident memory under load.
final class WriterThread: @unchecked Sendable {
    // `jobs` and `stopping` are guarded by `mutex`; `wake` is signalled when either changes.
    private var jobs: Deque<@Sendable () -> Void> = []
    private var stopping = false
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(name: String) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        let start = Unmanaged.passRetained(Start(thread: self, name: name)).toOpaque()
        var handle = pthread_t()
        let created = pthread_create(&handle, nil, { argument in
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            _ = pthread_setname_np(pthread_self(), String(decoding: start.name.utf8.prefix(15), as: UTF8.self))
            start.thread.work()
            return nil
        }, start)
        precondition(created == 0, "cannot start the recorder's thread: error \(created)")
        pthread_detach(handle)
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(mutex)
        wake.deallocate()
        mutex.deallocate()
    }

    /// What the new thread needs: the object it serves (kept alive until the thread ends).
    private final class Start {
        let thread: WriterThread
        let name: String

        init(thread: WriterThread, name: String) {
            self.thread = thread
            self.name = name
        }
    }

    /// Runs `job` on the thread and returns its result.
    func run<Result: Sendable>(_ job: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: job()) }
        }
    }

    /// Queues `job` without waiting for it.
    func submit(_ job: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(mutex)
        jobs.append(job)
        pthread_cond_signal(wake)
        pthread_mutex_unlock(mutex)
    }

    /// Lets the thread end once the jobs given so far have run.
    func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(wake)
        pthread_mutex_unlock(mutex)
    }

    private func work() {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty && !stopping { pthread_cond_wait(wake, mutex) }
            let job = jobs.popFirst()
            pthread_mutex_unlock(mutex)
            guard let job else { return }
            job()
        }
    }
}
