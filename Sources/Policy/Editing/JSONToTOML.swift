import Providers
import TOML

/// Converts API bodies (JSON) into TOML values. Types are carried over as they are; the
/// compiler then judges them, so a wrong type in a PUT is reported like one in a file.
enum JSONToTOML {
    /// Nil for JSON `null` (an absent key in TOML).
    static func value(_ json: JSONValue) -> TOMLValue? {
        switch json {
        case .null: return nil
        case .bool(let value): return .bool(value)
        case .int(let value): return .integer(value)
        case .double(let value): return .float(value)
        case .string(let value): return .string(value)
        case .array(let elements): return .array(TOMLArray(elements.compactMap(value)))
        case .object(let object): return .table(table(object))
        }
    }

    static func table(_ object: JSONObject) -> TOMLTable {
        var table = TOMLTable()
        for (key, member) in object.entries {
            if let converted = value(member) { table[key] = converted }
        }
        return table
    }

    /// Values equal for the purpose of a minimal edit: `5` and `5.0` are the same limit.
    static func same(_ a: TOMLValue, _ b: TOMLValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .float(let y)), (.float(let y), .integer(let x)): return Double(x) == y
        default: return a == b
        }
    }
}
