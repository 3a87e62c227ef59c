import Foundation
import Logging
import Providers

/// The config API's logic: render a section from the live snapshot, and apply a change:
/// check the version the client saw, edit the files in memory, compile the result (nothing
/// is written if it has errors), replace the files atomically, and return once the new
/// snapshot is live. Changes are applied one at a time.
public actor ConfigService {
    let reloader: PolicyReloader
    let store: SnapshotStore
    let environment: [String: String]
    let logger: Logger

    public enum Outcome: Sendable {
        case applied(version: String, changedFiles: [String], config: JSONValue)
        case staleVersion(current: String)
        case invalid([Diagnostic])
        case failed(String)
    }

    public init(reloader: PolicyReloader, store: SnapshotStore, environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger) {
        self.reloader = reloader
        self.store = store
        self.environment = environment
        self.logger = logger
    }

    public nonisolated func current(_ section: ConfigSection) -> (version: String, config: JSONValue) {
        let snapshot = store.snapshot
        return (snapshot.version, ConfigJSON.render(section, snapshot: snapshot))
    }

    public func update(_ section: ConfigSection, body: JSONValue, ifMatch: String?) async -> Outcome {
        // Bring the live snapshot up to date with the files first, so the ETag check and the
        // edit both see what is on disk now.
        await reloader.reload(reason: "config API")
        let live = store.snapshot
        if let ifMatch, !Self.matches(ifMatch, version: live.version) {
            return .staleVersion(current: live.version)
        }
        let sources: PolicySources
        do {
            sources = try PolicySources.load(configPath: reloader.configPath, environment: environment)
        } catch {
            return .failed("\(error)")
        }
        let edit: ConfigEditor.Edit
        do {
            edit = try ConfigEditor(sources: sources, section: section).apply(body)
        } catch {
            switch error {
            case .invalid(let diagnostics): return .invalid(diagnostics)
            case .forbiddenPath(let path): return .failed("refusing to write \(path): it is outside the policy folder")
            case .editFailed(let path, let reason): return .failed("cannot edit \(path): \(reason)")
            }
        }
        let compiled = PolicyCompiler.compile(edit.sources, environment: environment)
        guard compiled.snapshot != nil else { return .invalid(compiled.errors) }
        for (path, bytes) in edit.changedFiles.sorted(by: { $0.key < $1.key }) {
            do {
                try AtomicFileWriter.write(bytes, to: path)
            } catch {
                return .failed("\(error)")
            }
        }
        if !edit.changedFiles.isEmpty {
            logger.notice("config API changed \(section.rawValue): \(edit.changedFiles.keys.sorted().joined(separator: ", "))")
        }
        switch await reloader.reload(reason: "config API \(section.rawValue)") {
        case .swapped(let snapshot), .unchanged(let snapshot):
            return .applied(version: snapshot.version, changedFiles: edit.changedFiles.keys.sorted(),
                            config: ConfigJSON.render(section, snapshot: snapshot))
        case .rejected(let diagnostics):
            return .invalid(diagnostics.filter { $0.severity == .error })
        case .unreadable(let error):
            return .failed("\(error)")
        }
    }

    /// `If-Match: "v1"`, `W/"v1"`, `v1` or `*`.
    static func matches(_ header: String, version: String) -> Bool {
        header.split(separator: ",").contains { part in
            var tag = part.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == version
        }
    }
}
