/// Finds which of a few groups of words occur in a text, in one pass: for each byte, only the
/// words starting with it are compared. The complexity score asks for 28 words; a separate
/// search for each cost more than the rest of the scoring together for a short prompt.
struct SignalWords: Sendable {
    /// The groups found, as bits (`1 << group`).
    struct Found: Sendable, Equatable {
        var bits: UInt32 = 0

        func contains(_ group: Int) -> Bool { bits & (1 << group) != 0 }
    }

    private let words: [(bytes: [UInt8], group: Int)]
    /// For each first byte, the indexes of the words that start with it.
    private let startingWith: [[Int]]
    private let allGroups: UInt32

    /// - Parameter groups: the words of each group (group `i` is bit `i` of `Found`). Words
    ///   are matched byte for byte: lower-case the text first to match without case.
    init(_ groups: [[StaticString]]) {
        precondition(groups.count <= 32, "at most 32 groups")
        var words: [(bytes: [UInt8], group: Int)] = []
        var startingWith = [[Int]](repeating: [], count: 256)
        for (group, list) in groups.enumerated() {
            for word in list where word.utf8CodeUnitCount > 0 {
                let bytes = word.withUTF8Buffer { Array($0) }
                startingWith[Int(bytes[0])].append(words.count)
                words.append((bytes, group))
            }
        }
        self.words = words
        self.startingWith = startingWith
        allGroups = groups.isEmpty ? 0 : UInt32.max >> (32 - groups.count)
    }

    func find(in text: [UInt8]) -> Found {
        var found = Found()
        text.withUnsafeBufferPointer { text in
            for start in text.indices {
                let candidates = startingWith[Int(text[start])]
                if candidates.isEmpty { continue }
                for index in candidates {
                    let word = words[index]
                    if found.contains(word.group) || word.bytes.count > text.count - start { continue }
                    if word.bytes.indices.allSatisfy({ text[start + $0] == word.bytes[$0] }) {
                        found.bits |= 1 << word.group
                    }
                }
                if found.bits == allGroups { return }
            }
        }
        return found
    }
}
