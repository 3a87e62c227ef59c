import TOML

/// Typed, checked access to one TOML table of a policy file. Every read checks the value's
/// type and reports a positioned `wrong-type` diagnostic; `finish` reports every key that was
/// never read as `unknown-key`, with a "did you mean" from the keys that were expected.
final class TableReader {
    let file: String
    let table: TOMLTable
    /// The dotted path of this table, for messages (`providers.openai`).
    let path: String
    let location: SourceLocation?
    private let sink: DiagnosticSink
    var sinkReference: DiagnosticSink { sink }
    private var expected: Set<String> = []

    init(file: String, table: TOMLTable, path: String, location: SourceLocation?, sink: DiagnosticSink) {
        self.file = file
        self.table = table
        self.path = path
        self.location = location
        self.sink = sink
    }

    func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func node(_ key: String) -> TOMLNode? {
        expected.insert(key)
        return table.node(forKey: key)
    }

    func keyLocation(_ key: String) -> SourceLocation? {
        table.node(forKey: key).flatMap { $0.keyLocation ?? $0.valueLocation }
    }

    func valueLocation(_ key: String) -> SourceLocation? {
        table.node(forKey: key)?.valueLocation
    }

    private func wrongType(_ key: String, _ node: TOMLNode, expected: String) {
        sink.error(file, node.valueLocation, "wrong-type",
                   "`\(qualified(key))` must be \(expected), not \(node.value.typeNameWithArticlePublic)")
    }

    func string(_ key: String) -> String? {
        guard let node = node(key) else { return nil }
        guard case .string(let value) = node.value else { wrongType(key, node, expected: "a string"); return nil }
        return value
    }

    func bool(_ key: String) -> Bool? {
        guard let node = node(key) else { return nil }
        guard case .bool(let value) = node.value else { wrongType(key, node, expected: "true or false"); return nil }
        return value
    }

    func integer(_ key: String, in range: ClosedRange<Int64>? = nil) -> Int64? {
        guard let node = node(key) else { return nil }
        guard case .integer(let value) = node.value else { wrongType(key, node, expected: "an integer"); return nil }
        if let range, !range.contains(value) {
            sink.error(file, node.valueLocation, "out-of-range",
                       "`\(qualified(key))` must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
            return nil
        }
        return value
    }

    /// A number; integers are accepted where a float is expected (`5` for `5.0`).
    func number(_ key: String, minimum: Double? = nil) -> Double? {
        guard let node = node(key) else { return nil }
        let value: Double
        switch node.value {
        case .float(let float): value = float
        case .integer(let integer): value = Double(integer)
        default: wrongType(key, node, expected: "a number"); return nil
        }
        guard value.isFinite else {
            sink.error(file, node.valueLocation, "out-of-range", "`\(qualified(key))` must be a finite number")
            return nil
        }
        if let minimum, value < minimum {
            sink.error(file, node.valueLocation, "out-of-range", "`\(qualified(key))` must be at least \(JSONNumber.format(minimum)), not \(JSONNumber.format(value))")
            return nil
        }
        return value
    }

    func stringArray(_ key: String) -> [(value: String, location: SourceLocation?)]? {
        guard let node = node(key) else { return nil }
        guard case .array(let array) = node.value else { wrongType(key, node, expected: "an array of strings"); return nil }
        var result: [(String, SourceLocation?)] = []
        for element in array.nodes {
            guard case .string(let value) = element.value else {
                sink.error(file, element.valueLocation, "wrong-type",
                           "`\(qualified(key))` must hold strings, not \(element.value.typeNameWithArticlePublic)")
                continue
            }
            result.append((value, element.valueLocation))
        }
        return result
    }

    func table(_ key: String) -> TableReader? {
        guard let node = node(key) else { return nil }
        guard case .table(let table) = node.value else { wrongType(key, node, expected: "a table"); return nil }
        return TableReader(file: file, table: table, path: qualified(key), location: node.keyLocation ?? node.valueLocation, sink: sink)
    }

    /// `[[key]]` entries (or an inline array of tables).
    func tables(_ key: String) -> [TableReader]? {
        guard let node = node(key) else { return nil }
        guard case .array(let array) = node.value else { wrongType(key, node, expected: "an array of tables ([[\(qualified(key))]])"); return nil }
        var readers: [TableReader] = []
        for (index, element) in array.nodes.enumerated() {
            guard case .table(let table) = element.value else {
                sink.error(file, element.valueLocation, "wrong-type",
                           "`\(qualified(key))` must hold tables, not \(element.value.typeNameWithArticlePublic)")
                continue
            }
            readers.append(TableReader(file: file, table: table, path: "\(qualified(key))[\(index)]",
                                       location: element.keyLocation ?? element.valueLocation, sink: sink))
        }
        return readers
    }

    /// The table's keys with their readers, for tables keyed by user names (`[providers.*]`).
    func entries() -> [(key: String, node: TOMLNode)] {
        table.entries.map { entry in
            expected.insert(entry.key)
            return (entry.key, entry.node)
        }
    }

    /// Reports keys that were present but never read.
    func finish() {
        for entry in table.entries where !expected.contains(entry.key) {
            sink.error(file, entry.node.keyLocation ?? entry.node.valueLocation, "unknown-key",
                       "unknown key `\(qualified(entry.key))`\(DidYouMean.hint(for: entry.key, among: expected))")
        }
    }

    func error(_ location: SourceLocation?, _ code: String, _ message: String) {
        sink.error(file, location ?? self.location, code, message)
    }

    func warning(_ location: SourceLocation?, _ code: String, _ message: String) {
        sink.warning(file, location ?? self.location, code, message)
    }
}

/// Number formatting for messages: `5` rather than `5.0`.
enum JSONNumber {
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}

extension TOMLValue {
    /// "an integer", "a string", ... for messages.
    var typeNameWithArticlePublic: String {
        let name = typeName
        return (["a", "e", "i", "o", "u"].contains(name.prefix(1)) ? "an " : "a ") + name
    }
}
