import Patterns

/// US Social Security numbers in their written form `ddd-dd-dddd`, checked against the SSA's
/// rules: area not 000, 666 or 900–999, group not 00, serial not 0000. Undashed nine-digit
/// runs are not considered: they are indistinguishable from any other id.
enum SSNDetector {
    static let pattern = try? CompiledPattern("(?<![0-9A-Za-z])[0-9]{3}-[0-9]{2}-[0-9]{4}")
    static let window = 16

    /// Numbers printed on sample cards and in advertising, invalidated by the SSA.
    static let retired: Set<String> = ["078-05-1120", "219-09-9999"]

    static func validate(_ text: ScanText, _ range: Range<Int>) -> Detection? {
        guard NumberBoundary.isClearBefore(text, range.lowerBound), NumberBoundary.isClearAfter(text, range.upperBound) else { return nil }
        let bytes = text.bytes
        func number(_ from: Int, _ count: Int) -> Int {
            (from..<(from + count)).reduce(0) { $0 * 10 + Int(bytes[$1] - 0x30) }
        }
        let start = range.lowerBound
        let area = number(start, 3), group = number(start + 4, 2), serial = number(start + 7, 4)
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return nil }
        guard !retired.contains(text.string(range)) else { return nil }
        return Detection(range: range)
    }
}
