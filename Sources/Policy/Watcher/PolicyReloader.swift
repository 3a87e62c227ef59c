import Foundation
import Logging
import Providers

/// Recompiles the policy and swaps the snapshot: on file changes (via `FileWatcher`), on
/// SIGHUP, and after a config API write. Reloads run one at a time; a failed one leaves the
/// live snapshot in place and records the diagnostics for `/api/status` and `/metrics`.
public actor PolicyReloader {
    public let configPath: String
    public let store: SnapshotStore
    private let environment: [String: String]
    private let basePrices: PriceTable
    private let logger: Logger

    public enum Outcome: Sendable {
        case swapped(PolicySnapshot)
        case unchanged(PolicySnapshot)
        case rejected([Diagnostic])
        case unreadable(PolicyReadError)
    }

    public init(configPath: String, store: SnapshotStore, environment: [String: String] = ProcessInfo.processInfo.environment,
                basePrices: PriceTable = .shipped, logger: Logger) {
        self.configPath = configPath
        self.store = store
        self.environment = environment
        self.basePrices = basePrices
        self.logger = logger
    }

    @discardableResult
    public func reload(reason: String) -> Outcome {
        let sources: PolicySources
        do {
            sources = try PolicySources.load(configPath: configPath, environment: environment)
        } catch {
            store.recordFailure(.init(message: "\(error)"))
            logger.error("policy reload (\(reason)) failed: \(error); still serving policy \(store.snapshot.version)")
            return .unreadable(error)
        }
        let result = PolicyCompiler.compile(sources, basePrices: basePrices, environment: environment)
        guard let snapshot = result.snapshot else {
            let errors = result.errors
            store.recordFailure(.init(message: "\(errors.count) error\(errors.count == 1 ? "" : "s") in the policy; still serving \(store.snapshot.version)",
                                      diagnostics: result.diagnostics))
            logger.error("policy reload (\(reason)) rejected; still serving policy \(store.snapshot.version):\n\(errors.map(\.formatted).joined(separator: "\n"))")
            return .rejected(result.diagnostics)
        }
        let current = store.snapshot
        if snapshot.version == current.version {
            store.clearFailure()
            return .unchanged(current)
        }
        if snapshot.server != current.server || snapshot.storage != current.storage {
            logger.warning("[server] and [storage] changes take effect when the daemon restarts")
        }
        store.install(snapshot)
        for warning in result.warnings { logger.warning("\(warning.formatted)") }
        logger.notice("policy \(snapshot.version) is live (was \(current.version); \(reason))")
        return .swapped(snapshot)
    }
}
