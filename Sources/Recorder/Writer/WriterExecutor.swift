import Dispatch

/// Runs the jobs of the tasks that prefer it on one serial dispatch queue of their own.
///
/// Swift concurrency runs on NIO's event loops in the daemon, so without this the writer's
/// batch work (completing records with their prompt analysis, metrics, live events) would run
/// in bursts on a loop that also serves connections, and every request on that loop would wait
/// out the burst: at one connection, one call in fifty did, which was the added p99.
public final class WriterExecutor: TaskExecutor {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
