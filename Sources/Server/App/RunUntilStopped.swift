import ServiceLifecycle

/// Runs a worker until it returns, and tells it to stop when the daemon shuts down gracefully
/// or when the worker's task is cancelled. The service group cancels every service when one of
/// them fails (the port is taken, say): a worker that listened for graceful shutdown only then
/// waited for work forever, and the daemon neither exited nor said why.
func runUntilStopped(_ work: () async -> Void, stop: @escaping @Sendable () -> Void) async {
    await withTaskCancellationHandler {
        await withGracefulShutdownHandler {
            await work()
        } onGracefulShutdown: {
            stop()
        }
    } onCancel: {
        stop()
    }
}
