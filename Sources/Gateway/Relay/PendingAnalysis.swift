import Providers
import Synchronization

/// The prompt analysis of one call (heatmap, waste, complexity), worked out once: on the
/// event loop right after the request has gone upstream, while the provider is working, or at
/// the latest when the call is recorded. No task per call: Swift concurrency runs on the same
/// loops here, so a task would cost its scheduling and save nothing.
final class PendingAnalysis: Sendable {
    private enum State {
        case pending(@Sendable () -> RequestAnalysis?)
        case done(RequestAnalysis?)
    }

    private let state: Mutex<State>

    init(_ analyze: @escaping @Sendable () -> RequestAnalysis?) {
        state = Mutex(.pending(analyze))
    }

    /// Works it out now unless it already was.
    func run() {
        _ = value
    }

    var value: RequestAnalysis? {
        state.withLock { state in
            switch state {
            case .done(let analysis):
                return analysis
            case .pending(let analyze):
                let analysis = analyze()
                state = .done(analysis)
                return analysis
            }
        }
    }
}
