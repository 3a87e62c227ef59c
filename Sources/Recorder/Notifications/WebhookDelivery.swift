/// One webhook event on its way to (or delivered to) the configured URL, with every attempt.
/// Kept in `webhook_deliveries` for `GET /api/webhooks/deliveries`; a pending delivery
/// survives a restart and resumes.
public struct WebhookDelivery: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// Waiting for its first or next attempt.
        case pending
        /// The receiver answered 2xx.
        case delivered
        /// Every attempt failed.
        case failed
        /// Never sent: the URL is not allowed (scheme or `allow_hosts`) or webhooks were turned off.
        case refused
    }

    /// One try: when, how it ended (HTTP status or an error) and how long it took.
    public struct Attempt: Sendable, Equatable {
        public var atMicros: Int64
        public var statusCode: Int?
        public var error: String?
        public var durationMs: Double

        public init(atMicros: Int64, statusCode: Int?, error: String?, durationMs: Double) {
            self.atMicros = atMicros
            self.statusCode = statusCode
            self.error = error
            self.durationMs = durationMs
        }
    }

    public var id: String
    public var event: String
    /// Where it goes, shown without path or query (which may hold a token): `https://host:port/…`.
    public var target: String
    public var createdAtMicros: Int64
    public var status: Status
    public var attempts: [Attempt]
    public var nextAttemptAtMicros: Int64?
    public var completedAtMicros: Int64?
    /// The exact body sent (and signed).
    public var payload: String

    public init(id: String, event: String, target: String, createdAtMicros: Int64, status: Status = .pending,
                attempts: [Attempt] = [], nextAttemptAtMicros: Int64? = nil, completedAtMicros: Int64? = nil, payload: String) {
        self.id = id
        self.event = event
        self.target = target
        self.createdAtMicros = createdAtMicros
        self.status = status
        self.attempts = attempts
        self.nextAttemptAtMicros = nextAttemptAtMicros
        self.completedAtMicros = completedAtMicros
        self.payload = payload
    }

    public var lastStatusCode: Int? { attempts.last?.statusCode }
    public var lastError: String? { attempts.last?.error }
}
