import Atomics
import Foundation
import Synchronization

/// Holds the live `PolicySnapshot`. Readers (every request) do one lock-free atomic load;
/// a reload swaps the reference whole. It also keeps the reload history `/api/status` shows.
public final class SnapshotStore: Sendable {
    private final class Box: AtomicReference, Sendable {
        let snapshot: PolicySnapshot
        init(_ snapshot: PolicySnapshot) { self.snapshot = snapshot }
    }

    /// What the last failed reload said, kept until a reload succeeds.
    public struct ReloadState: Sendable {
        public var reloads: Int = 0
        public var failures: Int = 0
        public var lastError: ReloadError?
    }

    public struct ReloadError: Sendable, Equatable {
        public var at: Date
        public var message: String
        public var diagnostics: [Diagnostic]

        public init(at: Date = Date(), message: String, diagnostics: [Diagnostic] = []) {
            self.at = at
            self.message = message
            self.diagnostics = diagnostics
        }
    }

    private let current: ManagedAtomic<Box>
    private let state = Mutex(ReloadState())

    public init(_ snapshot: PolicySnapshot) {
        current = ManagedAtomic(Box(snapshot))
    }

    /// The snapshot a new request should use.
    public var snapshot: PolicySnapshot {
        current.load(ordering: .acquiring).snapshot
    }

    /// Makes `snapshot` live for every request that starts from now on.
    public func install(_ snapshot: PolicySnapshot) {
        current.store(Box(snapshot), ordering: .releasing)
        state.withLock {
            $0.reloads += 1
            $0.lastError = nil
        }
    }

    /// Notes a reload that failed; the current snapshot stays live.
    public func recordFailure(_ error: ReloadError) {
        state.withLock {
            $0.failures += 1
            $0.lastError = error
        }
    }

    /// A reload found nothing to change: the files are valid again, so the old error is moot.
    public func clearFailure() {
        state.withLock { $0.lastError = nil }
    }

    public var reloadState: ReloadState { state.withLock { $0 } }
}
