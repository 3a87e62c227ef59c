import Foundation

/// `[budget]`: global spend caps.
public struct BudgetSettings: Sendable, Equatable {
    public var enabled = false
    public var dailyLimitUSD: Double?
    public var monthlyLimitUSD: Double?
    /// `block` (default) refuses calls past the cap; `warn` records and alerts only.
    public var action: LimitAction = .block
    /// IANA time zone the daily and monthly windows follow (default UTC).
    public var timezone = "UTC" {
        didSet { timeZone = TimeZone(identifier: timezone) ?? BudgetSettings.utc }
    }
    /// `timezone`, resolved once when the policy is compiled.
    public private(set) var timeZone = BudgetSettings.utc

    static let utc = TimeZone(secondsFromGMT: 0)!

    public init() {}
}

/// What happens when a limit is reached.
public enum LimitAction: String, Sendable, Equatable, CaseIterable {
    case block
    case warn
}

/// `[alerts]`: cost alerts.
public struct AlertSettings: Sendable, Equatable {
    public var enabled = false
    public var dailyCostThreshold: Double?

    public init() {}
}

/// `[webhooks]`: HTTP callbacks on events.
public struct WebhookSettings: Sendable, Equatable {
    public static let knownEvents = ["call_recorded", "cost_alert", "weekly_digest"]

    public var enabled = false
    public var url: String?
    public var events: [String] = []
    /// Key for the HMAC-SHA256 signature header; never logged.
    public var secret: String?
    /// Hosts webhook URLs may point at (`hooks.example.com`, or `*.example.com` for its
    /// subdomains); a URL whose host is not listed is refused (see `WebhookTarget`).
    public var allowHosts: [String] = []
    /// Attempts per delivery, the first included, before it is marked failed.
    public var maxAttempts: Int = 5
    /// Longest one delivery attempt may take.
    public var timeoutSeconds: Double = 10

    public init() {}

    /// Whether `event` should be delivered under these settings.
    public func delivers(_ event: String) -> Bool {
        enabled && url != nil && events.contains(event)
    }
}

/// `[logging]`: optional request/response body capture and the daemon's log level.
public struct LoggingSettings: Sendable, Equatable {
    /// Capture request and response bodies (secrets redacted) into the `request_logs` table.
    public var enabled = false
    public var level = "info"
    /// Bytes of each body kept; the rest is cut off and marked truncated.
    public var maxBodyBytes: Int = 65_536

    public init() {}
}

/// `[dedup]`: replay identical requests within a TTL (opt-in).
public struct DedupSettings: Sendable, Equatable {
    public var enabled = false
    public var ttlSeconds: Int = 60

    public init() {}
}

/// One `[pricing."model"]` override, in USD per million tokens.
public struct PriceOverride: Sendable, Equatable {
    public var model: String
    public var provider: String?
    public var inputPerMTok: Double?
    public var outputPerMTok: Double?
    public var cacheReadPerMTok: Double?
    public var cacheWritePerMTok: Double?
    public var cacheWrite1hPerMTok: Double?
    public var reasoningPerMTok: Double?

    public init(model: String) {
        self.model = model
    }
}
