import Providers

/// Builds JSON text directly. The API writes a handful of fixed shapes, and writing them by
/// hand keeps `null` vs absent, key order and number formatting exactly as documented.
struct JSONText {
    private(set) var text: String
    private var needsComma: [Bool] = []

    init(capacity: Int = 256) {
        text = ""
        text.reserveCapacity(capacity)
    }

    mutating func beginObject() { valuePrefix(); text += "{"; needsComma.append(false) }
    mutating func endObject() { text += "}"; needsComma.removeLast() }
    mutating func beginArray() { valuePrefix(); text += "["; needsComma.append(false) }
    mutating func endArray() { text += "]"; needsComma.removeLast() }

    mutating func key(_ name: String) {
        if needsComma.last == true { text += "," }
        text += JSONWriter.quoted(name)
        text += ":"
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
        pendingKey = true
    }

    private var pendingKey = false

    private mutating func valuePrefix() {
        if pendingKey {
            pendingKey = false
        } else if needsComma.last == true {
            text += ","
        }
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = true }
    }

    mutating func string(_ value: String?) {
        valuePrefix()
        text += value.map(JSONWriter.quoted) ?? "null"
    }

    mutating func int(_ value: Int64?) { valuePrefix(); text += value.map(String.init) ?? "null" }
    mutating func int(_ value: Int) { valuePrefix(); text += String(value) }
    mutating func bool(_ value: Bool) { valuePrefix(); text += value ? "true" : "false" }
    mutating func null() { valuePrefix(); text += "null" }

    mutating func double(_ value: Double?) {
        valuePrefix()
        guard let value, value.isFinite else { text += "null"; return }
        text += Self.format(value)
    }

    /// USD amounts from picodollars, printed in the shortest form that reads back exactly.
    mutating func usd(_ picodollars: Int64?) {
        double(picodollars.map(Picodollars.usd))
    }

    /// Milliseconds rounded to microseconds, enough for latency and never noisy.
    mutating func ms(_ value: Double?) {
        double(value.map(Self.microsecondPrecision))
    }

    /// Milliseconds to the microsecond: what the clocks measure, without binary noise digits.
    static func microsecondPrecision(_ ms: Double) -> Double {
        (ms * 1000).rounded() / 1000
    }

    /// A duration in milliseconds as `ms` writes it, for CSV.
    static func formatMs(_ ms: Double) -> String {
        format(microsecondPrecision(ms))
    }

    mutating func raw(_ json: String) { valuePrefix(); text += json }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    // Conveniences for "key": value pairs.
    mutating func field(_ name: String, _ value: String?) { key(name); string(value) }
    mutating func field(_ name: String, _ value: Int64?) { key(name); int(value) }
    mutating func field(_ name: String, _ value: Int) { key(name); int(value) }
    mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }
    mutating func field(_ name: String, double value: Double?) { key(name); double(value) }
    mutating func field(_ name: String, usd value: Int64?) { key(name); usd(value) }
    mutating func field(_ name: String, ms value: Double?) { key(name); ms(value) }
}
