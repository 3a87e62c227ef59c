/// One step of a path into a document: a table key or an array index. Literals work, so
/// `["servers", 0, "port"]` is a `TOMLPath`.
public enum TOMLPathComponent: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    case key(String)
    case index(Int)

    public init(stringLiteral value: String) { self = .key(value) }
    public init(integerLiteral value: Int) { self = .index(value) }

    public var description: String {
        switch self {
        case .key(let key): return ValueRenderer.renderKey(key)
        case .index(let index): return "[\(index)]"
        }
    }
}

/// A path from the document root, e.g. `["servers", 0, "port"]`.
public typealias TOMLPath = [TOMLPathComponent]

extension Array where Element == TOMLPathComponent {
    /// Human form for messages: `servers[0].port`.
    public var pathDescription: String {
        var result = ""
        for component in self {
            switch component {
            case .key(let key):
                if !result.isEmpty { result += "." }
                result += ValueRenderer.renderKey(key)
            case .index(let index):
                result += "[\(index)]"
            }
        }
        return result
    }
}
