import Dispatch
import Foundation
import Glibc
import Logging
import Policy
import ServiceLifecycle

/// Keeps the live policy in step with its files: inotify on the config file's folder and the
/// policy folder, and SIGHUP, both leading to a `PolicyReloader.reload`.
public struct PolicyWatcherService: Service {
    let reloader: PolicyReloader
    let configPath: String
    let policyDirectory: String
    let logger: Logger

    public init(reloader: PolicyReloader, configPath: String, policyDirectory: String, logger: Logger) {
        self.reloader = reloader
        self.configPath = configPath
        self.policyDirectory = policyDirectory
        self.logger = logger
    }

    public func run() async throws {
        let reloader = self.reloader
        let configDirectory = Self.directory(of: configPath)
        let configName = (configPath as NSString).lastPathComponent
        let policyDirectory = (self.policyDirectory as NSString).standardizingPath
        var watcher: FileWatcher?
        do {
            var directories = [configDirectory]
            if FileManager.default.fileExists(atPath: policyDirectory) { directories.append(policyDirectory) }
            watcher = try FileWatcher(directories: directories, isRelevant: { directory, name in
                if directory == policyDirectory && PolicySources.isPolicyFileName(name) { return true }
                return directory == configDirectory && name == configName
            }, onChange: {
                Task { await reloader.reload(reason: "file change") }
            })
            watcher?.start()
            logger.info("watching \(directories.joined(separator: " and ")) for policy changes")
        } catch {
            logger.warning("\(error)")
        }

        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP)
        hangup.setEventHandler {
            Task { await reloader.reload(reason: "SIGHUP") }
        }
        hangup.resume()

        // Run until the daemon shuts down.
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: .milliseconds(200))
            }
        } onGracefulShutdown: {}
        hangup.cancel()
        watcher?.stop()
    }

    static func directory(of path: String) -> String {
        let directory = ((path as NSString).deletingLastPathComponent as NSString).standardizingPath
        return directory.isEmpty ? FileManager.default.currentDirectoryPath : directory
    }
}
