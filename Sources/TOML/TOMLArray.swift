/// A TOML array. Elements are `TOMLNode`s so each one can say where it was written (for an
/// array of tables, the `[[header]]` of that element).
public struct TOMLArray: Sendable, Equatable, RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral {
    public var nodes: [TOMLNode]

    public init() { nodes = [] }
    public init(nodes: [TOMLNode]) { self.nodes = nodes }
    public init(_ values: some Sequence<TOMLValue>) { nodes = values.map { TOMLNode($0) } }
    public init(arrayLiteral elements: TOMLValue...) { self.init(elements) }

    public var startIndex: Int { nodes.startIndex }
    public var endIndex: Int { nodes.endIndex }

    public subscript(position: Int) -> TOMLValue {
        get { nodes[position].value }
        set { nodes[position].value = newValue }
    }

    public mutating func append(_ value: TOMLValue) { nodes.append(TOMLNode(value)) }

    public mutating func insert(_ value: TOMLValue, at position: Int) {
        nodes.insert(TOMLNode(value), at: position)
    }

    @discardableResult
    public mutating func remove(at position: Int) -> TOMLValue { nodes.remove(at: position).value }

    /// True for a non-empty array whose elements are all tables, i.e. one that can be
    /// written as `[[header]]` sections.
    public var isArrayOfTables: Bool {
        !nodes.isEmpty && nodes.allSatisfy { if case .table = $0.value { return true } else { return false } }
    }

    public static func == (lhs: TOMLArray, rhs: TOMLArray) -> Bool {
        lhs.nodes.count == rhs.nodes.count && zip(lhs.nodes, rhs.nodes).allSatisfy { $0.value == $1.value }
    }
}
