import Logging
@testable import Server
import Synchronization
import Testing

/// The daemon's connections log through `UnfinishedUpgradeLogFilter`: Hummingbird's error for
/// a connection closed before its upgrade negotiation ended becomes a debug line; everything
/// else passes unchanged.
struct UnfinishedUpgradeLogFilterTests {
    final class Lines: Sendable {
        let seen = Mutex<[(Logger.Level, String)]>([])
    }

    struct Capture: LogHandler {
        let lines: Lines
        var logLevel: Logger.Level
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?

        func log(event: LogEvent) {
            lines.seen.withLock { $0.append((event.level, event.message.description)) }
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
    }

    static func logger(level: Logger.Level, into lines: Lines) -> Logger {
        var logger = Logger(label: "test") { _ in Capture(lines: lines, logLevel: level) }
        logger.handler = UnfinishedUpgradeLogFilter(base: logger.handler)
        return logger
    }

    @Test func theUnfinishedUpgradeErrorIsADebugLine() {
        let lines = Lines()
        let debug = Self.logger(level: .debug, into: lines)
        debug.error("Error handling upgrade result", metadata: ["error.type": "Inappropriate operation for state"])
        debug.error("Something else failed")
        let info = Self.logger(level: .info, into: lines)
        info.error("Error handling upgrade result")
        info.info("started")
        let seen = lines.seen.withLock { $0 }
        #expect(seen.map(\.0) == [.debug, .error, .info])
        #expect(seen.map(\.1) == ["Error handling upgrade result", "Something else failed", "started"])
        #expect(info.logLevel == .info)
    }
}
