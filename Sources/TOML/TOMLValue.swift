/// A resolved TOML value. Containers hold `TOMLNode`s so every element keeps its source
/// position; equality compares values only (key order ignored, NaN equal to NaN), which is
/// what "did this config change?" needs.
public enum TOMLValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    // Boxed so the common scalar cases keep `TOMLValue` small.
    indirect case offsetDateTime(OffsetDateTime)
    indirect case localDateTime(LocalDateTime)
    indirect case localDate(LocalDate)
    indirect case localTime(LocalTime)
    case array(TOMLArray)
    case table(TOMLTable)

    public static func == (lhs: TOMLValue, rhs: TOMLValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.float(a), .float(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.bool(a), .bool(b)): return a == b
        case let (.offsetDateTime(a), .offsetDateTime(b)): return a == b
        case let (.localDateTime(a), .localDateTime(b)): return a == b
        case let (.localDate(a), .localDate(b)): return a == b
        case let (.localTime(a), .localTime(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.table(a), .table(b)): return a == b
        default: return false
        }
    }

    /// The value as TOML source text (inline form), as the edit API would write it.
    public var description: String { ValueRenderer.render(self) }

    /// The TOML type name used in diagnostics ("string", "integer", "table", ...).
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .bool: return "boolean"
        case .offsetDateTime: return "offset date-time"
        case .localDateTime: return "local date-time"
        case .localDate: return "local date"
        case .localTime: return "local time"
        case .array: return "array"
        case .table: return "table"
        }
    }

    /// "an integer", "a string", ... for messages.
    var typeNameWithArticle: String {
        let name = typeName
        return (["a", "e", "i", "o", "u"].contains(name.prefix(1)) ? "an " : "a ") + name
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The value as a Double; integers convert, so `1` satisfies a float setting.
    public var doubleValue: Double? {
        switch self {
        case .float(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: TOMLArray? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var tableValue: TOMLTable? {
        if case .table(let value) = self { return value }
        return nil
    }

    /// Member of a table value, or nil for other kinds and missing keys.
    public subscript(key: String) -> TOMLValue? {
        tableValue?[key]
    }

    /// Follows `path` through tables and arrays.
    public func value(at path: TOMLPath) -> TOMLValue? {
        var current = self
        for component in path {
            switch (component, current) {
            case let (.key(key), .table(table)):
                guard let next = table[key] else { return nil }
                current = next
            case let (.index(index), .array(array)):
                guard array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }
}

extension TOMLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TOMLValue...) { self = .array(TOMLArray(elements)) }
    public init(dictionaryLiteral elements: (String, TOMLValue)...) {
        var table = TOMLTable()
        for (key, value) in elements { table[key] = value }
        self = .table(table)
    }
}
