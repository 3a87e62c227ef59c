import Providers

/// Measures the tokens a prompt spends on junk: whitespace bloat, polite filler, repeated
/// instructions and empty messages (see `WasteCategory`). Each category counts what removing
/// the junk would save. A token is counted once: filler inside a repeated sentence belongs
/// to the repetition, and whitespace-only messages to empty messages. Ordinary, tidy prose
/// reports zero.
public struct WasteDetector: Sendable {
    public let counter: TokenCounter

    public init(counter: TokenCounter) {
        self.counter = counter
    }

    /// Analyses `content`. `emptyMessages` comes from `EmptyMessageFinder` when the request
    /// body is at hand; without it, only messages whose text is all whitespace are found.
    public func analyze(_ content: PromptContent, counts: SegmentTokenCounts? = nil,
                        emptyMessages: [Int]? = nil) -> WasteReport {
        let counts = counts ?? SegmentTokenCounts(content, counter: counter)
        var report = WasteReport(promptTokens: counts.total, encoding: counts.encoding, accuracy: counts.accuracy)
        let empty = emptyMessageIndexes(content, known: emptyMessages)
        countEmptyMessages(content, counts: counts, empty: empty, into: &report)
        countWhitespace(content, counts: counts, empty: empty, into: &report)
        let claimed = countRepeats(content, into: &report)
        countFiller(content, claimed: claimed, into: &report)
        return report
    }

    // MARK: - Empty messages

    /// The given indexes plus every message whose segments are all whitespace-only text.
    func emptyMessageIndexes(_ content: PromptContent, known: [Int]?) -> Set<Int> {
        // Per message (numbered from 0): 0 no segment seen, 1 blank so far, 2 has content.
        var state: [UInt8] = []
        for segment in content.segments where segment.messageIndex >= 0 {
            let index = segment.messageIndex
            if index >= state.count { state.append(contentsOf: repeatElement(0, count: index + 1 - state.count)) }
            if state[index] == 2 { continue }
            state[index] = segment.kind == .text && EmptyMessageFinder.isWhitespace(segment.text) ? 1 : 2
        }
        var empty = Set(known ?? [])
        for (index, value) in state.enumerated() where value == 1 { empty.insert(index) }
        return empty
    }

    func countEmptyMessages(_ content: PromptContent, counts: SegmentTokenCounts, empty: Set<Int>,
                            into report: inout WasteReport) {
        for index in empty.sorted() {
            let whitespace = zip(content.segments, counts.counts)
                .filter { $0.0.messageIndex == index }
                .reduce(0) { $0 + $1.1 }
            let role = content.segments.first { $0.messageIndex == index }?.role.rawValue ?? "message"
            report[.emptyMessages].add(tokens: EmptyMessageFinder.framingTokens + whitespace,
                                       sample: "#\(index) (\(role))")
        }
    }

    // MARK: - Whitespace

    func countWhitespace(_ content: PromptContent, counts: SegmentTokenCounts, empty: Set<Int>,
                         into report: inout WasteReport) {
        for (segment, tokens) in zip(content.segments, counts.counts) {
            // Tool schemas arrive re-serialised compactly by the extractor: nothing to find there.
            guard segment.kind != .toolDefinition, !empty.contains(segment.messageIndex) else { continue }
            guard let (normalized, offset) = WhitespaceNormalizer.normalize(segment.text) else { continue }
            let saved = tokens - counter.count(normalized)
            guard saved > 0 else { continue }
            report[.whitespace].add(tokens: saved, sample: WhitespaceNormalizer.visibleExcerpt(segment.text, around: offset))
        }
    }

    // MARK: - Repeated instructions

    /// Counts repeated sentences and returns the byte ranges they cover, per segment.
    func countRepeats(_ content: PromptContent, into report: inout WasteReport) -> [Int: [Range<Int>]] {
        var claimed: [Int: [Range<Int>]] = [:]
        for repeated in RepeatedInstructions.find(in: content) {
            report[.redundantInstructions].add(tokens: counter.count(repeated.text), sample: repeated.text)
            claimed[repeated.segment, default: []].append(repeated.range)
        }
        return claimed
    }

    // MARK: - Polite filler

    func countFiller(_ content: PromptContent, claimed: [Int: [Range<Int>]], into report: inout WasteReport) {
        for (index, segment) in content.segments.enumerated() where segment.kind == .text {
            let ranges = PoliteFiller.ranges(in: segment.text)
            guard !ranges.isEmpty else { continue }
            let utf8 = Array(segment.text.utf8)
            for range in ranges where !(claimed[index] ?? []).contains(where: { $0.overlaps(range) }) {
                let phrase = String(decoding: utf8[range], as: UTF8.self)
                report[.politeFiller].add(tokens: counter.count(phrase),
                                          sample: String(phrase.drop { $0 == " " }))
            }
        }
    }
}
