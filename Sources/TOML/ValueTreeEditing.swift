/// Pure value-tree edits used by the document editor: it first computes the tree the
/// caller wants, then rewrites only the text whose values differ.
extension TOMLTable {
    /// A copy with `value` stored at `path`; missing tables along the way are created.
    func setting(_ value: TOMLValue, at path: TOMLPath) throws(TOMLEditError) -> TOMLTable {
        guard !path.isEmpty else { throw .emptyPath }
        guard case .table(let result) = try Self.setting(value, in: .table(self), path: path, depth: 0) else {
            throw .notATable([])
        }
        return result
    }

    /// A copy without the value at `path`.
    func removing(at path: TOMLPath) throws(TOMLEditError) -> TOMLTable {
        guard !path.isEmpty else { throw .emptyPath }
        guard case .table(let result) = try Self.removing(in: .table(self), path: path, depth: 0) else {
            throw .notATable([])
        }
        return result
    }

    private static func setting(_ value: TOMLValue, in container: TOMLValue, path: TOMLPath,
                                depth: Int) throws(TOMLEditError) -> TOMLValue
    {
        guard depth < path.count else { return value }
        let here = Array(path.prefix(depth + 1))
        switch (path[depth], container) {
        case (.key(let key), .table(var table)):
            let child: TOMLValue
            if let existing = table[key] {
                child = existing
            } else if depth + 1 < path.count {
                guard case .key = path[depth + 1] else { throw .notFound(here) }
                child = .table(TOMLTable())
            } else {
                child = value
            }
            table[key] = try setting(value, in: child, path: path, depth: depth + 1)
            return .table(table)
        case (.index(let index), .array(var array)):
            guard array.indices.contains(index) else {
                throw .indexOutOfRange(Array(path.prefix(depth)), index: index, count: array.count)
            }
            array[index] = try setting(value, in: array[index], path: path, depth: depth + 1)
            return .array(array)
        default:
            throw .notATable(Array(path.prefix(depth)))
        }
    }

    private static func removing(in container: TOMLValue, path: TOMLPath, depth: Int) throws(TOMLEditError) -> TOMLValue {
        let isLast = depth == path.count - 1
        switch (path[depth], container) {
        case (.key(let key), .table(var table)):
            guard let child = table[key] else { throw .notFound(path) }
            if isLast {
                table.removeValue(forKey: key)
            } else {
                table[key] = try removing(in: child, path: path, depth: depth + 1)
            }
            return .table(table)
        case (.index(let index), .array(var array)):
            guard array.indices.contains(index) else {
                throw .indexOutOfRange(Array(path.prefix(depth)), index: index, count: array.count)
            }
            if isLast {
                array.remove(at: index)
            } else {
                array[index] = try removing(in: array[index], path: path, depth: depth + 1)
            }
            return .array(array)
        default:
            throw .notFound(path)
        }
    }

    /// The table with empty tables left out, recursively. Used to compare an edit's
    /// intended tree with the re-parsed one: removing the last key of a table that exists
    /// only implicitly (dotted keys, nested headers) makes the table itself disappear.
    var droppingEmptyTables: TOMLTable {
        var result = TOMLTable()
        for entry in entries {
            switch entry.value {
            case .table(let child):
                let pruned = child.droppingEmptyTables
                if !pruned.isEmpty { result[entry.key] = .table(pruned) }
            case .array(let array):
                result[entry.key] = .array(TOMLArray(array.map { element -> TOMLValue in
                    if case .table(let table) = element { return .table(table.droppingEmptyTables) }
                    return element
                }))
            default:
                result[entry.key] = entry.value
            }
        }
        return result
    }
}

extension TOMLValue {
    /// Levels of arrays and tables below this value, counted no further than `limit + 1` so
    /// the walk itself stays shallow for hostile values.
    func nestingDepth(limit: Int) -> Int {
        guard limit >= 0 else { return 1 }
        switch self {
        case .array(let array):
            return 1 + (array.map { $0.nestingDepth(limit: limit - 1) }.max() ?? 0)
        case .table(let table):
            return 1 + (table.entries.map { $0.value.nestingDepth(limit: limit - 1) }.max() ?? 0)
        default:
            return 0
        }
    }
}
