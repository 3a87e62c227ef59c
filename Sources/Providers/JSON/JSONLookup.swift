/// Reading a JSON value by member name, whether it was parsed into a tree (`JSONValue`) or is
/// read in place from its bytes (`JSONSpan`), so that a rule over a provider's JSON (each
/// provider's usage object) is written once and runs on either.
public protocol JSONLookup {
    associatedtype Member: JSONLookup
    /// The member named `key` of an object (the last one when a name repeats); nil for any
    /// other kind of value.
    subscript(key: String) -> Member? { get }
    /// The members named `names` of an object, found in one reading of it: a rule that needs
    /// several members of one object asks for them together.
    func members<let N: Int>(_ names: InlineArray<N, StaticString>) -> InlineArray<N, Member?>
    var intValue: Int64? { get }
    var stringValue: String? { get }
    var boolValue: Bool? { get }
    var isObject: Bool { get }
    var arrayValue: [Member]? { get }
}

extension JSONLookup {
    public func members<let N: Int>(_ names: InlineArray<N, StaticString>) -> InlineArray<N, Member?> {
        var found = InlineArray<N, Member?>(repeating: nil)
        for index in names.indices { found[index] = self[names[index].description] }
        return found
    }
}

extension JSONValue: JSONLookup {
    public var isObject: Bool { objectValue != nil }
}
