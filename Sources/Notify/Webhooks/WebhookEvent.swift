import Foundation
import Providers

/// The events webhooks can carry, with the JSON envelope every delivery shares:
/// `{"event": NAME, "sent_at": RFC 3339, "delivery_id": ID, NAME-SPECIFIC...}`.
public enum WebhookEvent: String, Sendable, CaseIterable {
    case callRecorded = "call_recorded"
    case costAlert = "cost_alert"
    case weeklyDigest = "weekly_digest"

    /// The envelope around `members` (already-encoded JSON values by key).
    public func payload(deliveryID: String, sentAt: Date, members: [(key: String, json: String)]) -> String {
        var text = "{\"event\":" + JSONWriter.quoted(rawValue)
        text += ",\"delivery_id\":" + JSONWriter.quoted(deliveryID)
        text += ",\"sent_at\":" + JSONWriter.quoted(RFC3339.format(sentAt))
        for member in members { text += "," + JSONWriter.quoted(member.key) + ":" + member.json }
        return text + "}"
    }
}

/// RFC 3339 UTC with milliseconds, as the rest of the API writes times.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        format(micros: Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }

    public static func format(micros: Int64) -> String {
        let seconds = Int(micros / 1_000_000)
        let millis = Int((micros / 1000) % 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                            from: Date(timeIntervalSince1970: Double(seconds)))
        func pad(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(millis, 3))Z"
    }
}
