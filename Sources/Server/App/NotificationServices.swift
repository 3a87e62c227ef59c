import Notify
import Recorder
import ServiceLifecycle

/// Runs the webhook worker for the life of the daemon. It is shut down after the notifier,
/// so the alerts and events of the last calls are queued first; deliveries still waiting
/// for a retry stay pending in the database and resume at the next start.
public struct WebhookDispatcherService: Service {
    let dispatcher: WebhookDispatcher

    public init(dispatcher: WebhookDispatcher) {
        self.dispatcher = dispatcher
    }

    public func run() async throws {
        await dispatcher.resumePending()
        await runUntilStopped {
            await dispatcher.run()
        } stop: {
            dispatcher.close()
        }
    }
}

/// Runs the notifier (alerts, `call_recorded` events, the weekly digest). Shut down after
/// the recorder, so it sees every committed call.
public struct NotifierService: Service {
    let notifier: Notifier

    public init(notifier: Notifier) {
        self.notifier = notifier
    }

    public func run() async throws {
        await runUntilStopped {
            await notifier.run()
        } stop: {
            notifier.close()
        }
    }
}

/// Runs the request-log writer (`[logging] enabled`); on shutdown it writes what is queued.
public struct RequestLogService: Service {
    let writer: RequestLogWriter

    public init(writer: RequestLogWriter) {
        self.writer = writer
    }

    public func run() async throws {
        await runUntilStopped {
            await writer.run()
        } stop: {
            writer.close()
        }
    }
}
