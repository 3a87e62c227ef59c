/// Money in whole picodollars (10⁻¹² USD). Every per-token price in the reference table is an
/// integer number of picodollars, so costs add up exactly, with no binary-float drift, and an
/// `Int64` holds up to $9.2 million per call.
public enum Picodollars {
    public static let perDollar: Double = 1e12

    /// Converts a USD amount (such as a per-token price read from JSON) to picodollars.
    public static func from(usd: Double) -> Int64? {
        guard usd.isFinite, abs(usd) < 9.0e6 else { return nil }
        return Int64((usd * perDollar).rounded())
    }

    /// USD per million tokens → picodollars per token.
    public static func from(usdPerMillionTokens value: Double) -> Int64? {
        guard value.isFinite, abs(value) < 9.0e12 else { return nil }
        return Int64((value * 1e6).rounded())
    }

    public static func usd(_ picodollars: Int64) -> Double {
        Double(picodollars) / perDollar
    }
}
