import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// When an attempt counts as failed for a fallback chain, and how long to wait before the
/// next one: capped exponential backoff that honours the provider's `Retry-After`.
public struct FallbackPolicy: Sendable {
    public var baseDelayMs: Double = 100
    public var maxDelayMs: Double = 2_000

    public init(baseDelayMs: Double = 100, maxDelayMs: Double = 2_000) {
        self.baseDelayMs = baseDelayMs
        self.maxDelayMs = maxDelayMs
    }

    /// 5xx and 429 answers fail over; every other status is the provider's final word.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || (500...599).contains(status)
    }

    /// The wait before attempt `attempt + 1` (attempts count from 1).
    public func delayMs(afterAttempt attempt: Int, retryAfter: String?) -> Double {
        let backoff = baseDelayMs * pow(2, Double(max(0, attempt - 1)))
        let requested = retryAfter.flatMap(Self.retryAfterMs) ?? 0
        return min(maxDelayMs, max(backoff, requested))
    }

    /// `Retry-After` as seconds or an HTTP date.
    static func retryAfterMs(_ value: String) -> Double? {
        if let seconds = Double(value.trimmingCharacters(in: .whitespaces)) { return max(0, seconds * 1000) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSinceNow * 1000)
    }
}
