/// A set of byte-range replacements against the original text of a document, applied in
/// one pass. Edits are computed against the unchanged document and must not overlap
/// (removals may, and are merged), which keeps every byte outside them untouched.
struct EditPlan {
    private struct Splice {
        var range: Range<Int>
        var text: String
        var order: Int
    }

    private var splices: [Splice] = []

    var isEmpty: Bool { splices.isEmpty }

    mutating func replace(_ range: Range<Int>, with text: String) {
        splices.append(Splice(range: range, text: text, order: splices.count))
    }

    mutating func insert(_ text: String, at offset: Int) {
        replace(offset..<offset, with: text)
    }

    mutating func remove(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        replace(range, with: "")
    }

    func apply(to bytes: [UInt8], path: TOMLPath) throws(TOMLEditError) -> [UInt8] {
        let sorted = splices.sorted {
            ($0.range.lowerBound, $0.range.upperBound, $0.order) < ($1.range.lowerBound, $1.range.upperBound, $1.order)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.text.utf8.count })
        var cursor = 0
        var lastWasRemoval = false
        for splice in sorted {
            let range = splice.range.clamped(to: 0..<bytes.count)
            if range.lowerBound < cursor {
                // Two removals may overlap (a block and the blank lines before it); anything
                // else overlapping means two edits claim the same bytes.
                guard lastWasRemoval, splice.text.isEmpty else {
                    throw .unsupportedLayout(path, reason: "two edits touch the same text")
                }
                cursor = max(cursor, range.upperBound)
                continue
            }
            output.append(contentsOf: bytes[cursor..<range.lowerBound])
            output.append(contentsOf: splice.text.utf8)
            cursor = range.upperBound
            lastWasRemoval = splice.text.isEmpty && !range.isEmpty
        }
        output.append(contentsOf: bytes[cursor...])
        return output
    }
}
