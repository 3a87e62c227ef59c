/// Assembles the value tree while enforcing TOML's rules on who may define a table: a
/// `[header]` once, dotted keys only inside tables they created, `[[header]]` only on arrays
/// of tables. Tables live in an arena addressed by index so nested tables are extended in
/// place instead of being copied out of and back into enum payloads.
struct TableBuilder {
    enum Kind {
        /// Created as the parent of a header (`[a.b]` creates `a`); may be defined later.
        case implicitByHeader
        /// Defined by `[header]`.
        case header
        /// An element of an array of tables.
        case arrayElement
        /// Created by a dotted key; extendable only by dotted keys.
        case dotted
        /// The table of an inline `{ ... }` value while it is being read.
        case inline
    }

    enum Slot {
        case value(TOMLNode)
        case table(Int)
        case tableArray(Int)
    }

    /// A table under construction. Leaf values go straight into `table` in their final
    /// form; a child table is represented by a placeholder entry (its arena index in an
    /// integer, marked by a non-`.value` origin) and swapped in by `finish`, so no value is
    /// copied twice.
    struct Table {
        var kind: Kind
        var origin: TOMLOrigin
        var table = TOMLTable()
        /// Entry indices in `table` that hold placeholders.
        var placeholders: [Int] = []
    }

    typealias KeyPart = Scanner.KeyPart

    private(set) var tables: [Table] = []
    private var arrays: [[Int]] = []
    private var arrayOrigins: [TOMLOrigin] = []

    init() {
        let place = SourceLocation(offset: 0, line: 1, column: 1)
        tables.append(Table(kind: .header, origin: TOMLOrigin(
            definition: .tableHeader, keyLocation: nil, keySpan: nil, valueLocation: place, valueSpan: 0..<0)))
    }

    static let root = 0

    mutating func reserveCapacity(tables count: Int) {
        tables.reserveCapacity(count)
    }

    // MARK: Lookup and insertion

    private func find(_ key: String, in table: Int) -> Int? {
        tables[table].table.entryIndex(forKey: key)
    }

    private func slot(_ entryIndex: Int, in table: Int) -> Slot {
        let definition = tables[table].table.entries[entryIndex].node.definition ?? .value
        guard definition != .value,
              case .integer(let id) = tables[table].table.entries[entryIndex].node.value
        else { return .value(tables[table].table.entries[entryIndex].node) }
        return definition == .arrayOfTables ? .tableArray(Int(id)) : .table(Int(id))
    }

    private mutating func append(_ key: String, _ slot: Slot, to table: Int) {
        let node: TOMLNode
        switch slot {
        case .value(let value):
            node = value
        case .table(let child):
            node = TOMLNode(.integer(Int64(child)), origin: tables[child].origin)
            tables[table].placeholders.append(tables[table].table.count)
        case .tableArray(let array):
            node = TOMLNode(.integer(Int64(array)), origin: arrayOrigins[array])
            tables[table].placeholders.append(tables[table].table.count)
        }
        tables[table].table.append(key: key, node: node)
    }

    private mutating func newTable(_ kind: Kind, _ origin: TOMLOrigin) -> Int {
        tables.append(Table(kind: kind, origin: origin))
        return tables.count - 1
    }

    // MARK: Headers

    /// Opens `[a.b.c]` (or `[[a.b.c]]` when `isArray`) and returns the table that
    /// following key/values go into.
    mutating func openHeader(_ parts: [KeyPart], isArray: Bool, headerLocation: SourceLocation,
                             headerSpan: Range<Int>) throws(TOMLError) -> Int
    {
        var current = Self.root
        for (position, part) in parts.enumerated() {
            let isLast = position == parts.count - 1
            // Messages name the key as written up to this part; built only when throwing.
            func shown() -> String { keyText(parts, through: position) }
            let origin = TOMLOrigin(definition: .tableHeader, keyLocation: part.location, keySpan: part.span,
                                    valueLocation: headerLocation, valueSpan: headerSpan)
            guard let entryIndex = find(part.name, in: current) else {
                if !isLast {
                    var implicit = origin
                    implicit.definition = .implicitByHeader
                    let table = newTable(.implicitByHeader, implicit)
                    append(part.name, .table(table), to: current)
                    current = table
                } else if isArray {
                    var elementOrigin = origin
                    elementOrigin.definition = .arrayOfTablesHeader
                    let element = newTable(.arrayElement, elementOrigin)
                    var arrayOrigin = origin
                    arrayOrigin.definition = .arrayOfTables
                    arrays.append([element])
                    arrayOrigins.append(arrayOrigin)
                    append(part.name, .tableArray(arrays.count - 1), to: current)
                    return element
                } else {
                    let table = newTable(.header, origin)
                    append(part.name, .table(table), to: current)
                    return table
                }
                continue
            }
            switch slot(entryIndex, in: current) {
            case .value(let node):
                let line = lineText(node.origin?.keyLocation ?? node.origin?.valueLocation)
                if isLast, isArray, case .array = node.value {
                    throw TOMLError("cannot append to `\(shown())` with `[[\(shown())]]`: it is a static array defined \(line), and static arrays cannot be extended", at: part.location)
                }
                throw TOMLError(valueConflict(shown(), node, line), at: part.location)
            case .table(let table):
                if !isLast {
                    current = table
                    continue
                }
                let line = lineText(tables[table].origin.valueLocation)
                if isArray {
                    throw TOMLError("`\(shown())` is already defined as a table \(line), so `[[\(shown())]]` cannot make it an array of tables", at: part.location)
                }
                switch tables[table].kind {
                case .implicitByHeader:
                    tables[table].kind = .header
                    tables[table].origin = origin
                    return table
                case .dotted:
                    throw TOMLError("table `\(shown())` was already created by dotted keys \(lineText(tables[table].origin.keyLocation)); it cannot be reopened with a `[\(shown())]` header", at: part.location)
                case .header, .arrayElement, .inline:
                    throw TOMLError("table `\(shown())` is defined twice (first \(line))", at: part.location)
                }
            case .tableArray(let array):
                if !isLast {
                    let elements = arrays[array]
                    guard let last = elements.last else { return Self.root }
                    current = last
                    continue
                }
                guard isArray else {
                    throw TOMLError("`\(shown())` is an array of tables \(lineText(arrayOrigins[array].valueLocation)); add elements with `[[\(shown())]]`, not `[\(shown())]`", at: part.location)
                }
                var elementOrigin = origin
                elementOrigin.definition = .arrayOfTablesHeader
                let element = newTable(.arrayElement, elementOrigin)
                arrays[array].append(element)
                return element
            }
        }
        return current
    }

    // MARK: Key/value pairs

    /// Inserts `node` under a single, undotted key.
    mutating func insert(_ node: consuming TOMLNode, key: String, at location: SourceLocation,
                         into table: Int) throws(TOMLError)
    {
        if let existing = find(key, in: table) {
            let first = lineText(definitionLocation(of: slot(existing, in: table)))
            throw TOMLError("duplicate key `\(ValueRenderer.renderKey(key))` (first defined \(first))", at: location)
        }
        tables[table].table.append(key: key, node: node)
    }

    /// Inserts `node` under the (possibly dotted) key `parts` in `table`.
    mutating func insert(_ node: consuming TOMLNode, at parts: [KeyPart], into table: Int) throws(TOMLError) {
        var current = table
        for (position, part) in parts.enumerated() {
            let isLast = position == parts.count - 1
            func shown() -> String { keyText(parts, through: position) }
            if isLast {
                if let existing = find(part.name, in: current) {
                    throw TOMLError("duplicate key `\(shown())` (first defined \(lineText(definitionLocation(of: slot(existing, in: current)))))", at: part.location)
                }
                tables[current].table.append(key: part.name, node: node)
                return
            }
            guard let entryIndex = find(part.name, in: current) else {
                let origin = TOMLOrigin(definition: .dottedKey, keyLocation: part.location, keySpan: part.span,
                                        valueLocation: part.location, valueSpan: part.span)
                let created = newTable(.dotted, origin)
                append(part.name, .table(created), to: current)
                current = created
                continue
            }
            let slot = slot(entryIndex, in: current)
            switch slot {
            case .table(let next) where tables[next].kind == .dotted:
                current = next
            case .table(let next):
                let header = tables[next].origin.valueLocation
                if tables[next].kind == .implicitByHeader {
                    throw TOMLError("cannot add keys to table `\(shown())` with a dotted key: it was created implicitly by the table header \(lineText(header)), and dotted keys may only extend tables they created", at: part.location)
                }
                throw TOMLError("cannot add keys to table `\(shown())` with a dotted key: it is defined by a table header \(lineText(header)); put the key under that header instead", at: part.location)
            case .tableArray:
                throw TOMLError("cannot use a dotted key to add to `\(shown())`, which is an array of tables \(lineText(definitionLocation(of: slot)))", at: part.location)
            case .value(let existing):
                throw TOMLError(valueConflict(shown(), existing, lineText(definitionLocation(of: slot))), at: part.location)
            }
        }
    }

    // MARK: Inline tables

    mutating func beginInlineTable(_ origin: TOMLOrigin) -> Int {
        newTable(.inline, origin)
    }

    /// Materialises an inline table and drops its scratch tables from the arena.
    mutating func finishInlineTable(_ index: Int) -> TOMLTable {
        finish(from: index)
        let table = tables[index].table
        tables.removeSubrange(index...)
        return table
    }

    /// The finished document table. The builder is spent afterwards.
    mutating func finishDocument() -> TOMLTable {
        finish(from: Self.root)
        return tables[Self.root].table
    }

    /// Replaces placeholders with their tables, deepest first: a child always has a larger
    /// index than its parent, so walking down from the end finishes children first. Each
    /// child is moved out of the arena, leaving its parent the only owner.
    private mutating func finish(from first: Int) {
        var index = tables.count - 1
        while index >= first {
            for entryIndex in tables[index].placeholders {
                switch slot(entryIndex, in: index) {
                case .value:
                    continue
                case .table(let child):
                    let origin = tables[child].origin
                    tables[index].table.replaceNode(at: entryIndex, value: .table(take(child)), origin: origin)
                case .tableArray(let array):
                    var nodes: [TOMLNode] = []
                    nodes.reserveCapacity(arrays[array].count)
                    for element in arrays[array] {
                        nodes.append(TOMLNode(.table(take(element)), origin: tables[element].origin))
                    }
                    tables[index].table.replaceNode(at: entryIndex, value: .array(TOMLArray(nodes: nodes)),
                                                    origin: arrayOrigins[array])
                }
            }
            tables[index].placeholders = []
            index -= 1
        }
    }

    private mutating func take(_ index: Int) -> TOMLTable {
        // A swap moves the storage out without touching reference counts.
        var table = TOMLTable()
        swap(&table, &tables[index].table)
        return table
    }

    // MARK: Messages

    private func definitionLocation(of slot: Slot) -> SourceLocation? {
        switch slot {
        case .value(let node): return node.origin?.keyLocation ?? node.origin?.valueLocation
        case .table(let table): return tables[table].origin.keyLocation ?? tables[table].origin.valueLocation
        case .tableArray(let array): return arrayOrigins[array].valueLocation
        }
    }

    private func valueConflict(_ shown: String, _ node: TOMLNode, _ line: String) -> String {
        switch node.value {
        case .table:
            return "`\(shown)` is an inline table \(line); inline tables cannot be extended after they are written"
        case .array:
            return "`\(shown)` is an array \(line), so it cannot be used as a table"
        default:
            return "`\(shown)` is already defined as \(node.value.typeNameWithArticle) \(line), so it cannot be used as a table"
        }
    }

    private func lineText(_ location: SourceLocation?) -> String {
        guard let location else { return "earlier" }
        return "at line \(location.line)"
    }

    private func keyText(_ parts: [KeyPart], through last: Int) -> String {
        parts[...last].map { ValueRenderer.renderKey($0.name) }.joined(separator: ".")
    }
}
