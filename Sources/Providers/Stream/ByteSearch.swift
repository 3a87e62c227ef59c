import CLibcExtras

/// Byte-level checks that let the stream trackers skip JSON parsing for events that cannot
/// carry usage, and find ASCII words in lower-cased text (prompt signals, User-Agents) at a
/// fraction of what Foundation's locale-aware `contains` costs.
public enum ByteSearch {
    /// Whether `haystack` contains `needle`.
    public static func contains(_ haystack: [UInt8], _ needle: StaticString) -> Bool {
        firstIndex(of: needle, in: haystack) != nil
    }

    static func firstIndex(of needle: StaticString, in haystack: [UInt8], from: Int = 0) -> Int? {
        needle.withUTF8Buffer { pattern -> Int? in
            guard !pattern.isEmpty, from >= 0, pattern.count <= haystack.count - from else { return nil }
            return haystack.withUnsafeBytes { bytes -> Int? in
                // libc's memmem: the needles here mostly start with a quote, which JSON has
                // every few bytes, so a first-byte scan would stop at nearly every one.
                let base = bytes.baseAddress!
                guard let hit = memmem(base + from, bytes.count - from, pattern.baseAddress!, pattern.count) else { return nil }
                return base.distance(to: UnsafeRawPointer(hit))
            }
        }
    }

    /// Whether `json` has a member `"name"` whose value is an object (not `null`), anywhere.
    static func hasObjectMember(_ name: StaticString, in json: [UInt8]) -> Bool {
        var from = 0
        while let found = firstIndex(of: name, in: json, from: from) {
            var index = found + name.utf8CodeUnitCount
            while index < json.count, json[index] == 0x20 || json[index] == 0x09 || json[index] == 0x0A || json[index] == 0x0D || json[index] == UInt8(ascii: ":") {
                index += 1
            }
            if index < json.count, json[index] == UInt8(ascii: "{") { return true }
            from = found + 1
        }
        return false
    }
}
