/// Confirms the matches of an `InjectionSignal` pattern. The patterns carry most of the
/// tuning; what needs the surrounding text is checked here: role tokens quoted as code, and a
/// Markdown role heading that must begin a real line (a scanned piece may start mid-line).
enum InjectionDetector {
    static let window = 256

    static func validate(_ text: ScanText, _ range: Range<Int>, signal: InjectionSignal) -> Detection? {
        // The patterns open with `\b`, which PCRE2 also sees where a stream window starts mid-word.
        if let first = text[range.lowerBound], ByteClass.isWord(first),
           let previous = text[range.lowerBound - 1], ByteClass.isWord(previous) { return nil }
        switch signal {
        case .roleHeading:
            // `(?m)^` also matches where a piece of the text starts: check the real previous byte.
            if let previous = text[range.lowerBound - 1] {
                if previous != UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { return nil }
            } else if text.origin > 0 {
                return nil
            }
        case .roleMarker:
            if let previous = text.previous(range.lowerBound),
               previous == UInt8(ascii: "`") || previous == UInt8(ascii: "\"") || previous == UInt8(ascii: "'") {
                return nil
            }
        default:
            break
        }
        return Detection(range: range, detail: signal.rawValue, weight: signal.weight)
    }
}
