import Foundation

/// The model price table: the shipped table derived from the reference data, optionally
/// refreshed by `tokenlens pricing import`, with `[pricing]` overrides from config.toml on top.
///
/// Lookups first try the exact id, then the longest table id that the requested id extends by
/// a date or version suffix (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`,
/// `gpt-4o-2024-08-06` exactly, `ft:gpt-4o-mini-2024-07-18:org::id` → the fine-tune base). An id
/// that only shares a shorter stem with an entry is not matched: a wrong price is worse than
/// "unpriced".
public struct PriceTable: Sendable {
    public private(set) var entries: [String: ModelPrice]

    public init(entries: [String: ModelPrice] = [:]) {
        self.entries = entries
    }

    public var count: Int { entries.count }

    /// The price entry for a model id as a provider or client names it, or nil (unpriced).
    public func price(for model: String) -> ModelPrice? {
        let id = Self.normalise(model)
        if let exact = entries[id] { return exact }
        // Every call is priced: no lower-cased copy of an id that lower-casing cannot change.
        let lower = id.utf8.allSatisfy({ $0 < 0x80 && !$0.isASCIIUppercase }) ? id : id.lowercased()
        if lower != id, let exact = entries[lower] { return exact }
        return longestBaseEntry(for: lower)
    }

    private func longestBaseEntry(for id: String) -> ModelPrice? {
        let scalars = Array(id.utf8)
        var index = scalars.count - 1
        while index > 0 {
            let separator = scalars[index]
            if separator == UInt8(ascii: "-") || separator == UInt8(ascii: ":") || separator == UInt8(ascii: "@") {
                let suffix = scalars[(index + 1)...]
                if Self.isVersionSuffix(suffix, after: separator),
                   let entry = entries[String(decoding: scalars[..<index], as: UTF8.self)] {
                    return entry
                }
            }
            index -= 1
        }
        return nil
    }

    /// Date and version suffixes: `20250929`, `2024-08-06`, `0125`, `001`, `09-2025`; after a
    /// `:` (OpenAI fine-tunes) anything.
    static func isVersionSuffix(_ suffix: ArraySlice<UInt8>, after separator: UInt8) -> Bool {
        guard !suffix.isEmpty else { return false }
        if separator == UInt8(ascii: ":") { return true }
        var digits = 0
        for byte in suffix {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { digits += 1; continue }
            if byte == UInt8(ascii: "-") { continue }
            return false
        }
        return digits >= 3
    }

    /// Strips resource prefixes clients and providers put before a model id.
    static func normalise(_ model: String) -> String {
        guard model.utf8.contains(UInt8(ascii: "/")) else { return model }
        var id = Substring(model)
        for prefix in ["models/", "tunedModels/", "gemini/", "openai/", "anthropic/"] where id.hasPrefix(prefix) {
            id = id.dropFirst(prefix.count)
        }
        return String(id)
    }

    /// Adds or replaces entries (an imported table over the shipped one, or config overrides).
    public mutating func merge(_ other: PriceTable) {
        entries.merge(other.entries) { _, new in new }
    }

    public mutating func set(_ price: ModelPrice) {
        entries[price.id] = price
    }
}

extension PriceTable {
    public enum LoadError: Error, CustomStringConvertible {
        case notJSONObject
        case invalidJSON(String)

        public var description: String {
            switch self {
            case .notJSONObject: "the price file must be a JSON object mapping model ids to price entries"
            case .invalidJSON(let reason): "the price file is not valid JSON: \(reason)"
            }
        }
    }

    /// Reads a table in the reference format (`models.json`: model id → entry with
    /// `input_cost_per_token`, `cache_read_input_token_cost`, `*_above_200k_tokens`,
    /// `*_priority`, ... in USD per token). Entries with no per-token price are kept but unpriced.
    public init(referenceJSON data: Data) throws(LoadError) {
        let root: JSONValue
        do {
            root = try JSONReader.parse(Array(data))
        } catch {
            throw .invalidJSON(error.description)
        }
        guard let object = root.objectValue else { throw .notJSONObject }
        var entries: [String: ModelPrice] = [:]
        for (id, value) in object.entries {
            guard let fields = value.objectValue else { continue }
            entries[id] = Self.modelPrice(id: id, fields: fields)
        }
        self.init(entries: entries)
    }

    static let serviceTierSuffixes = ["_priority", "_flex", "_batches", "_ultrafast", "_decisions"]

    static func modelPrice(id: String, fields: JSONObject) -> ModelPrice {
        var standard = ModelPrice.Schedule()
        var serviceTiers: [String: ModelPrice.Schedule] = [:]
        for (key, raw) in fields.entries {
            guard let usd = raw.doubleValue, let value = Picodollars.from(usd: usd) else { continue }
            var name = Substring(key)
            var serviceTier: String?
            for suffix in serviceTierSuffixes where name.hasSuffix(suffix) {
                serviceTier = String(suffix.dropFirst())
                name = name.dropLast(suffix.count)
                break
            }
            var threshold: Int64?
            if let range = name.range(of: "_above_", options: .backwards), name.hasSuffix("k_tokens") {
                let digits = name[range.upperBound...].dropLast("k_tokens".count)
                if let thousands = Int64(digits) {
                    threshold = thousands * 1000
                    name = name[..<range.lowerBound]
                }
            }
            guard let slot = Rates.Field(rawValue: String(name)) else { continue }
            var schedule = serviceTier.flatMap { serviceTiers[$0] } ?? (serviceTier == nil ? standard : ModelPrice.Schedule())
            if let threshold {
                if let index = schedule.tiers.firstIndex(where: { $0.threshold == threshold }) {
                    schedule.tiers[index].rates[slot] = value
                } else {
                    var rates = Rates()
                    rates[slot] = value
                    schedule.tiers.append(ModelPrice.Tier(threshold: threshold, rates: rates))
                    schedule.tiers.sort { $0.threshold < $1.threshold }
                }
            } else {
                schedule.base[slot] = value
            }
            if let serviceTier { serviceTiers[serviceTier] = schedule } else { standard = schedule }
        }
        return ModelPrice(
            id: id,
            provider: fields["litellm_provider"]?.stringValue ?? "",
            mode: fields["mode"]?.stringValue,
            standard: standard,
            serviceTiers: serviceTiers,
            maxInputTokens: fields["max_input_tokens"]?.intValue,
            maxOutputTokens: fields["max_output_tokens"]?.intValue)
    }

    /// The table shipped in the binary, derived from the reference price data by
    /// `scripts/derive-prices.py`.
    public static let shipped: PriceTable = {
        (try? PriceTable(referenceJSON: Data(ShippedPrices.json.utf8))) ?? PriceTable()
    }()
}
