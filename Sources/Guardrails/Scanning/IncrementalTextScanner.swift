/// Scans text that arrives in pieces (the deltas of one streamed output channel, or a whole
/// prompt fed at once) so that each match is found exactly once, even when it is split across
/// deltas, without rescanning the whole text.
///
/// Per detector it keeps a *decided* offset: every match starting before it has been counted
/// or rejected. A scan reads from there to the end of the text received so far. A match that
/// ends within `holdback` bytes of that end may still grow (`john@example.co` + `m`), so it is
/// left for the next scan, which starts at it. With no such match, the decided offset moves to
/// the end minus the detector's `window` (its longest match), so a match whose start has
/// arrived but which does not match yet is still read whole later. Only the bytes from the
/// smallest decided offset (less `context`, for boundary checks) are kept.
///
/// Each PCRE2 call gets a bounded piece of the text, whose end is handled by the same rule:
/// 16 KB where matches are sparse, two windows (at least 256 bytes) where they crowd. A
/// `CompiledPattern` takes a whole `String` (no start offset), so going on after a page of
/// matches means a new subject anyway; bounded pieces keep each copy and each call small
/// whatever the text. (Before `CompiledPattern` passed `PCRE2_NO_UTF_CHECK`, PCRE2 re-checked
/// the rest of the subject on every match: 26 s for the 272 KB of token ids in
/// Tests/Fixtures/insights/tokenizer-corpus.json as one subject, 8 ms in pieces.)
///
/// Cost: scans run every `scanInterval` bytes; each reads about `window + scanInterval` bytes
/// per detector.
struct IncrementalTextScanner: Sendable {
    static let holdback = 32
    static let scanInterval = 128
    /// Bytes kept before the decided offsets: what validators read behind a match (an email's
    /// local part is read backwards from its `@`, up to 64 bytes).
    static let context = 96
    static let minimumSpan = 256
    static let largeSpan = 16384
    /// Matches per PCRE2 call, and how many in one piece make the next piece small.
    static let pageSize = 64
    static let denseMatches = 16
    /// Matches counted per detector; a finding needs one, the rest only raise `occurrences`.
    static let maxMatches = 10_000

    let channel: Int
    private var buffer: [UInt8] = []
    /// Offset of `buffer[0]` in the channel's whole text.
    private var origin: Int
    private var decided: [Int]
    private var matchCounts: [Int]
    private var scannedUpTo: Int

    init(channel: Int, detectorCount: Int, origin: Int = 0) {
        self.channel = channel
        self.origin = origin
        self.scannedUpTo = origin
        self.decided = Array(repeating: origin, count: detectorCount)
        self.matchCounts = Array(repeating: 0, count: detectorCount)
    }

    /// Appends a delta; scans when `scanInterval` new bytes have arrived (never, with
    /// `scanning: false`, for a whole text that `finish` scans at once). Calls `onFinding` for
    /// each rule that becomes a finding.
    mutating func append(_ delta: some Sequence<UInt8>, detectors: [Detector], into accumulator: inout FindingAccumulator,
                         scanning: Bool = true, onFinding: (FindingAccumulator.Entry) -> Void) {
        buffer.append(contentsOf: delta)
        if scanning, origin + buffer.count - scannedUpTo >= Self.scanInterval {
            scan(final: false, detectors: detectors, into: &accumulator, onFinding: onFinding)
        }
    }

    /// Scans what is left: the end of the text is final, nothing can grow any more. `whole`,
    /// when given, is the text of the whole buffer (it spares a copy when it fits in one piece).
    mutating func finish(detectors: [Detector], into accumulator: inout FindingAccumulator, whole: String? = nil,
                         onFinding: (FindingAccumulator.Entry) -> Void) {
        scan(final: true, detectors: detectors, into: &accumulator, whole: whole, onFinding: onFinding)
    }

    private mutating func scan(final: Bool, detectors: [Detector], into accumulator: inout FindingAccumulator,
                               whole: String? = nil, onFinding: (FindingAccumulator.Entry) -> Void) {
        let end = origin + buffer.count
        scannedUpTo = end
        let text = ScanText(bytes: buffer, origin: origin)
        // Detectors with the same window read the same pieces: each piece is decoded once.
        var pieces: [Range<Int>: String] = [:]
        var anchorSignals: [Range<Int>: UInt8] = [:]
        if let whole { pieces[origin..<end] = whole }
        for (index, detector) in detectors.enumerated() {
            var from = decided[index]
            let smallSpan = max(Self.minimumSpan, 2 * detector.window + Self.holdback)
            let largeSpan = max(Self.largeSpan, smallSpan)
            var dense = false
            while from < end, matchCounts[index] < Self.maxMatches {
                // Sparse text is read in large pieces (fewer calls); where matches crowd, in small
                // ones, which bounds PCRE2's per-match UTF-8 check to a small subject.
                let pieceEnd = characterStart(atOrAfter: min(end, from + (dense ? smallSpan : largeSpan)))
                let isTextEnd = pieceEnd == end
                // Where a match may have been cut short: the piece's end, unless the text ends there.
                let edgeIsOpen = !(isTextEnd && final)
                if let bit = detector.anchorBit {
                    let signals = anchorSignals[from..<pieceEnd] ?? InjectionSignal.anchors.signals(in: buffer[(from - origin)..<(pieceEnd - origin)])
                    anchorSignals[from..<pieceEnd] = signals
                    if signals & bit == 0 {
                        // No anchor, no match in this piece: move on as if the search found nothing.
                        dense = false
                        if isTextEnd {
                            from = final ? end : max(from, characterStart(atOrAfter: end - detector.window))
                            break
                        }
                        from = characterStart(atOrAfter: pieceEnd - detector.window)
                        continue
                    }
                }
                let subject: String
                if let cached = pieces[from..<pieceEnd] {
                    subject = cached
                } else {
                    subject = String(decoding: buffer[(from - origin)..<(pieceEnd - origin)], as: UTF8.self)
                    pieces[from..<pieceEnd] = subject
                }
                let limit = min(Self.pageSize, Self.maxMatches - matchCounts[index])
                let matches = detector.pattern.matches(in: subject, limit: limit)
                dense = matches.count >= Self.denseMatches
                var deferredStart: Int?
                var lastEnd = from
                for match in matches {
                    let start = match.lowerBound + from
                    let stop = match.upperBound + from
                    // A match near the open edge may continue past it: it is read again from its
                    // start, in the next piece or once more text has arrived. One that fills a
                    // whole piece (so is longer than two windows) is dropped: it may exist only
                    // because the piece ends there (`$`, a greedy run).
                    if edgeIsOpen, stop > pieceEnd - Self.holdback {
                        if start > from || isTextEnd { deferredStart = start }
                        break
                    }
                    matchCounts[index] += 1
                    let local = (start - origin)..<(stop - origin)
                    if let detection = detector.validate(text, local),
                       let entry = accumulator.add(detection, of: detector, in: text, channel: channel) {
                        onFinding(entry)
                    }
                    lastEnd = max(lastEnd, stop)
                }
                if let deferredStart {
                    // Read again from the match (past `from`, so the scan moves on), or, at the
                    // end of the text so far, wait for more.
                    from = deferredStart
                    if isTextEnd { break }
                } else if matches.count == limit {
                    // A full page: the piece may hold more matches after the last one.
                    from = nextStart(after: lastEnd, from: from)
                } else if isTextEnd {
                    from = final ? end : max(lastEnd, characterStart(atOrAfter: end - detector.window))
                    break
                } else {
                    // Every match starting before `pieceEnd - window` fitted in this piece.
                    from = max(lastEnd, characterStart(atOrAfter: pieceEnd - detector.window))
                }
            }
            decided[index] = matchCounts[index] >= Self.maxMatches ? end : max(from, decided[index])
        }
        let keep = (decided.min() ?? end) - Self.context
        if keep > origin {
            buffer.removeFirst(min(keep - origin, buffer.count))
            origin = keep
        }
    }

    /// Where to resume after a full page ending at `lastEnd`; past an empty match, one character on.
    private func nextStart(after lastEnd: Int, from: Int) -> Int {
        lastEnd > from ? lastEnd : characterStart(atOrAfter: from + 1)
    }

    /// The first character boundary at or after `offset` (a piece must start and end on one).
    private func characterStart(atOrAfter offset: Int) -> Int {
        var index = max(offset, origin) - origin
        while index < buffer.count, ByteClass.isContinuation(buffer[index]) { index += 1 }
        return index + origin
    }
}
