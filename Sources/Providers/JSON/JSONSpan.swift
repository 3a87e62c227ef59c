/// A JSON value read in place from a validated document: a member lookup scans the object's
/// bytes and a number is parsed where it stands, so reading a handful of counts out of a
/// response allocates nothing (a parsed usage object cost four or five allocations per call).
/// It borrows its bytes: use it only inside the `withUnsafeBytes` that produced them.
public struct JSONSpan: JSONLookup {
    /// Exactly the value's bytes, as `JSONReader` delimits a member's value.
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    public var isObject: Bool { bytes.first == UInt8(ascii: "{") }

    public subscript(key: String) -> JSONSpan? {
        guard isObject else { return nil }
        var key = key
        let found = key.withUTF8 { name in
            var found: Range<Int>?
            try? JSONReader.walkTopLevelMembers(bytes) { (member, value) throws(JSONSyntaxError) in
                if try JSONReader.keyMatches(bytes, member, name) { found = value }
            }
            return found
        }
        return found.map { JSONSpan(UnsafeRawBufferPointer(rebasing: bytes[$0])) }
    }

    public func members<let N: Int>(_ names: InlineArray<N, StaticString>) -> InlineArray<N, JSONSpan?> {
        var found = InlineArray<N, JSONSpan?>(repeating: nil)
        guard isObject, let ranges = try? JSONReader.topLevelMembers(bytes, named: names) else { return found }
        for index in names.indices {
            found[index] = ranges[index].map { JSONSpan(UnsafeRawBufferPointer(rebasing: bytes[$0])) }
        }
        return found
    }

    public var intValue: Int64? {
        guard let first = bytes.first, first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return nil }
        var reader = JSONReader(bytes)
        return (try? reader.readNumber())?.intValue
    }

    public var boolValue: Bool? {
        switch bytes.first {
        case UInt8(ascii: "t"): true
        case UInt8(ascii: "f"): false
        default: nil
        }
    }

    public var stringValue: String? {
        guard bytes.first == UInt8(ascii: "\"") else { return nil }
        var reader = JSONReader(bytes)
        return try? reader.readString()
    }

    public var arrayValue: [JSONSpan]? {
        guard bytes.first == UInt8(ascii: "[") else { return nil }
        var elements: [JSONSpan] = []
        do {
            try JSONReader.walkArrayElements(bytes) { range in
                elements.append(JSONSpan(UnsafeRawBufferPointer(rebasing: bytes[range])))
            }
        } catch {
            return nil
        }
        return elements
    }
}

/// Chosen top-level members of a document, found in one pass over it (`JSONReader
/// .topLevelMembers(_:named:)`), each read in place: a large response is walked once however
/// many members are looked up.
public struct JSONSelectedMembers<let N: Int>: JSONLookup {
    private let bytes: UnsafeRawBufferPointer
    private let names: InlineArray<N, StaticString>
    private let values: InlineArray<N, Range<Int>?>

    /// nil when `bytes` is not one JSON object.
    public init?(_ bytes: UnsafeRawBufferPointer, named names: InlineArray<N, StaticString>) {
        guard let values = try? JSONReader.topLevelMembers(bytes, named: names) else { return nil }
        self.bytes = bytes
        self.names = names
        self.values = values
    }

    /// A member that was not among the chosen names reads as absent.
    public subscript(key: String) -> JSONSpan? {
        for index in names.indices where names[index].withUTF8Buffer({ $0.elementsEqual(key.utf8) }) {
            return values[index].map { JSONSpan(UnsafeRawBufferPointer(rebasing: bytes[$0])) }
        }
        return nil
    }

    public var isObject: Bool { true }
    public var intValue: Int64? { nil }
    public var stringValue: String? { nil }
    public var boolValue: Bool? { nil }
    public var arrayValue: [JSONSpan]? { nil }
}
