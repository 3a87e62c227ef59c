/// ASCII case folding on UTF-8 bytes. Header names, model ids, User-Agents and the words
/// TokenLens looks for in prompts are ASCII: folding only A–Z leaves every other byte (so
/// every multi-byte character) as it is, with no copy and no Unicode tables, where
/// `lowercased()` would allocate a new string per call.
extension UInt8 {
    /// A–Z as a–z; every other byte as it is.
    @inlinable public var asciiLowercased: UInt8 {
        isASCIIUppercase ? self | 0x20 : self
    }

    @inlinable public var isASCIIUppercase: Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}

extension StringProtocol {
    /// Whether this is `lower` (lower-case ASCII) in any ASCII case.
    @inlinable public func equalsIgnoringASCIICase(_ lower: StaticString) -> Bool {
        utf8.count == lower.utf8CodeUnitCount && hasASCIIPrefixIgnoringCase(lower)
    }

    /// Whether this starts with `lower` (lower-case ASCII) in any ASCII case.
    @inlinable public func hasASCIIPrefixIgnoringCase(_ lower: StaticString) -> Bool {
        lower.withUTF8Buffer { expected in
            var bytes = utf8.makeIterator()
            for byte in expected {
                guard let next = bytes.next(), next.asciiLowercased == byte else { return false }
            }
            return true
        }
    }
}

extension Collection<UInt8> {
    /// Whether these bytes are `lower` (lower-case ASCII) in any ASCII case.
    @inlinable public func equalsIgnoringASCIICase(_ lower: StaticString) -> Bool {
        count == lower.utf8CodeUnitCount && lower.withUTF8Buffer { expected in
            zip(self, expected).allSatisfy { $0.asciiLowercased == $1 }
        }
    }

    /// Whether these bytes start with `lower` (lower-case ASCII) in any ASCII case.
    @inlinable public func hasASCIIPrefixIgnoringCase(_ lower: StaticString) -> Bool {
        count >= lower.utf8CodeUnitCount && lower.withUTF8Buffer { expected in
            zip(self, expected).allSatisfy { $0.asciiLowercased == $1 }
        }
    }
}
