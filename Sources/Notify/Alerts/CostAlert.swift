import Foundation
import Providers

/// A cost alert as `/api/live` and the `cost_alert` webhook carry it.
public struct CostAlert: Sendable, Equatable {
    public var day: String
    public var timeZone: String
    public var thresholdPico: Int64
    public var spendPico: Int64
    public var at: Date

    public var message: String {
        "today's spend (\(day), \(timeZone)) reached $\(String(format: "%.2f", Picodollars.usd(spendPico))), "
            + "the daily alert threshold is $\(String(format: "%.2f", Picodollars.usd(thresholdPico)))"
    }

    /// `{"kind":"cost_alert","day":...,"threshold_usd":...,"spend_usd":...,...}`
    public var json: String {
        JSONWriter.serialize(.object(JSONObject([
            ("kind", .string("cost_alert")),
            ("day", .string(day)),
            ("timezone", .string(timeZone)),
            ("threshold_usd", .double(Picodollars.usd(thresholdPico))),
            ("spend_usd", .double(Picodollars.usd(spendPico))),
            ("at", .string(RFC3339.format(at))),
            ("message", .string(message)),
        ])))
    }

    /// The `/api/live` event.
    public var liveEvent: String {
        "{\"type\":\"alert\",\"alert\":" + json + "}"
    }
}
