import ArgumentParser
import Foundation
import Logging
import Server

struct DaemonCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the proxy, recorder and API in the foreground.",
        discussion: """
            Point SDKs at it: OPENAI_BASE_URL=http://localhost:8420/proxy/openai/v1, \
            ANTHROPIC_BASE_URL=http://localhost:8420/proxy/anthropic, Gemini base URL \
            http://localhost:8420/proxy/google. Stop with Ctrl-C or SIGTERM; queued records are written first.
            """)

    @Option(name: .long, help: "The config file (its policies/ folder is read too).")
    var config: String = "config.toml"

    @Option(name: .long, help: "Listen on this port instead of [server] port (0 picks a free one).")
    var port: Int?

    @Option(name: .long, help: "Listen on this address instead of [server] host.")
    var host: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    /// The daemon's body; `main.swift` calls it in the async context it sets up.
    func runAsync() async throws {
        HeapTuning.applyForDaemon()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "tokenlens")
        do {
            try await Daemon(configPath: config, portOverride: port, hostOverride: host, logger: logger).run()
        } catch let error as Daemon.StartError {
            FileHandle.standardError.write(Data("tokenlens: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
