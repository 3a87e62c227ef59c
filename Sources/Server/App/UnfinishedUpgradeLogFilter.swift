import Logging

/// Hummingbird's WebSocket-capable HTTP/1 channel logs an error when a connection closes
/// before its upgrade negotiation finished (unless the client only half-closed it). A
/// connection that carries only proxied calls never gets that far (the proxy handler in front
/// takes its bytes), so every client that reset such a connection, or dropped it mid-call,
/// showed up as a daemon error. This handler passes every other line through unchanged and
/// turns that one into a debug line.
struct UnfinishedUpgradeLogFilter: LogHandler {
    var base: any LogHandler

    static let message: Logger.Message = "Error handling upgrade result"

    func log(event: LogEvent) {
        var event = event
        if event.level == .error, event.message == Self.message {
            guard base.logLevel <= .debug else { return }
            event.level = .debug
        }
        base.log(event: event)
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }
}
