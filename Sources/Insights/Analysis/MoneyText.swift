import Foundation

/// Dollar amounts and shares as the findings' sentences print them.
enum MoneyText {
    static func usd(_ picodollars: Int64) -> String {
        let dollars = Double(picodollars) / 1e12
        if abs(dollars) >= 100 { return String(format: "$%.0f", dollars) }
        if abs(dollars) >= 0.01 { return String(format: "$%.2f", dollars) }
        return String(format: "$%.4f", dollars)
    }

    static func percent(_ share: Double) -> String {
        "\(Int((share * 100).rounded()))%"
    }

    static func rounded(_ value: Double, _ places: Int = 4) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}
