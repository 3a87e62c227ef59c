/// An ordered TOML table: keys keep document order, each value is a `TOMLNode` carrying
/// its source position. Small tables are searched linearly; a hash index is kept only
/// once a table grows, so the thousands of tiny tables in a config cost little.
public struct TOMLTable: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One key of the table with its located value.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var node: TOMLNode
        public var value: TOMLValue { node.value }

        public init(key: String, node: consuming TOMLNode) {
            self.key = key
            self.node = node
        }
    }

    public private(set) var entries: [Entry]
    private var index: [String: Int]

    private static let indexThreshold = 12

    public init() {
        entries = []
        index = [:]
    }

    public init(dictionaryLiteral elements: (String, TOMLValue)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }

    init(reservingCapacity capacity: Int) {
        self.init()
        entries.reserveCapacity(capacity)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }

    /// Position of `key` in `entries`.
    public func entryIndex(forKey key: String) -> Int? {
        if entries.count > Self.indexThreshold { return index[key] }
        return entries.firstIndex { $0.key == key }
    }

    /// The located value for `key`, with its key and value positions.
    public func node(forKey key: String) -> TOMLNode? {
        entryIndex(forKey: key).map { entries[$0].node }
    }

    /// Reading returns the value; writing replaces it in place (keeping its position in the
    /// key order) or appends a new key; writing nil removes the key.
    public subscript(key: String) -> TOMLValue? {
        get { node(forKey: key)?.value }
        set {
            if let newValue {
                if let position = entryIndex(forKey: key) {
                    entries[position].node.value = newValue
                } else {
                    append(key: key, node: TOMLNode(newValue))
                }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets a located node for `key`, replacing or appending.
    public mutating func setNode(_ node: TOMLNode, forKey key: String) {
        if let position = entryIndex(forKey: key) {
            entries[position].node = node
        } else {
            append(key: key, node: node)
        }
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> TOMLValue? {
        guard let position = entryIndex(forKey: key) else { return nil }
        let removed = entries.remove(at: position)
        rebuildIndex()
        return removed.node.value
    }

    /// Appends without checking for an existing key; the parser has already checked.
    mutating func append(key: String, node: consuming TOMLNode) {
        // Config tables are small; one allocation of 4 beats growing 1 → 2 → 4.
        if entries.capacity == 0 { entries.reserveCapacity(4) }
        entries.append(Entry(key: key, node: node))
        if entries.count > Self.indexThreshold {
            if index.isEmpty {
                rebuildIndex()
            } else {
                index[key] = entries.count - 1
            }
        }
    }

    /// Replaces the node of an existing entry, keeping its key.
    mutating func replaceNode(at position: Int, value: consuming TOMLValue, origin: TOMLOrigin?) {
        entries[position].node.value = value
        entries[position].node.origin = origin
    }

    private mutating func rebuildIndex() {
        index.removeAll(keepingCapacity: true)
        guard entries.count > Self.indexThreshold else { return }
        for (position, entry) in entries.enumerated() { index[entry.key] = position }
    }

    /// Follows `path` and returns the located node at its end.
    public func node(at path: TOMLPath) -> TOMLNode? {
        guard let first = path.first, case .key(let key) = first, var current = node(forKey: key) else {
            return nil
        }
        for component in path.dropFirst() {
            switch (component, current.value) {
            case let (.key(key), .table(table)):
                guard let next = table.node(forKey: key) else { return nil }
                current = next
            case let (.index(position), .array(array)):
                guard array.nodes.indices.contains(position) else { return nil }
                current = array.nodes[position]
            default:
                return nil
            }
        }
        return current
    }

    /// Value at `path`, following tables and arrays.
    public func value(at path: TOMLPath) -> TOMLValue? {
        node(at: path)?.value
    }

    /// Iterates `(key, value)` pairs in document order.
    public struct Iterator: IteratorProtocol {
        fileprivate var base: IndexingIterator<[Entry]>

        public mutating func next() -> (key: String, value: TOMLValue)? {
            base.next().map { ($0.key, $0.node.value) }
        }
    }

    public func makeIterator() -> Iterator { Iterator(base: entries.makeIterator()) }

    /// Order-insensitive: two tables are equal when they have the same keys with equal values.
    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for entry in lhs.entries {
            guard let other = rhs.node(forKey: entry.key), other.value == entry.node.value else { return false }
        }
        return true
    }

    public var description: String { ValueRenderer.render(.table(self)) }
}
