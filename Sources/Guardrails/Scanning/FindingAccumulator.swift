/// Folds the detections made in one text (a prompt segment, or a whole response) into one
/// entry per rule: how many matches, their total weight, and the sample of the strongest.
/// A rule becomes a finding once its weight reaches `threshold`.
struct FindingAccumulator: Sendable {
    /// The weight that makes a finding: one strong match (weight 2), or two weak ones.
    static let threshold = 2

    struct Entry: Sendable {
        var rule: String
        var action: GuardrailAction
        var weight = 0
        var occurrences = 0
        var sample = ""
        var sampleWeight = 0
        var detail: String?
        /// Where the rule first matched (channel, then absolute byte offset), for ordering.
        var channel: Int
        var firstOffset: Int

        var isActive: Bool { weight >= FindingAccumulator.threshold }
    }

    private(set) var entries: [Entry] = []
    private var indexByRule: [String: Int] = [:]

    var isEmpty: Bool { entries.isEmpty }

    /// Records a detection; returns the entry when this detection is the one that made it a finding.
    mutating func add(_ detection: Detection, of detector: Detector, in text: ScanText, channel: Int = 0) -> Entry? {
        let index: Int
        if let existing = indexByRule[detector.rule] {
            index = existing
        } else {
            index = entries.count
            indexByRule[detector.rule] = index
            entries.append(Entry(rule: detector.rule, action: detector.action, channel: channel,
                                 firstOffset: text.origin + detection.range.lowerBound))
        }
        let wasActive = entries[index].isActive
        entries[index].occurrences += 1
        entries[index].weight += detection.weight
        // Two rules sharing a name cannot disagree silently: blocking wins.
        if detector.action == .block { entries[index].action = .block }
        // Masking costs a little, so only the first match of each weight is sampled.
        if detection.weight > entries[index].sampleWeight {
            entries[index].sampleWeight = detection.weight
            entries[index].sample = detector.sample(text, detection)
            entries[index].detail = detection.detail
        }
        return !wasActive && entries[index].isActive ? entries[index] : nil
    }

    /// The entries that reached the threshold, in the order they first matched.
    var activeEntries: [Entry] {
        entries.filter(\.isActive).sorted { ($0.channel, $0.firstOffset, $0.rule) < ($1.channel, $1.firstOffset, $1.rule) }
    }
}

extension GuardrailFinding {
    init(_ entry: FindingAccumulator.Entry, side: GuardrailSide) {
        self.init(rule: entry.rule, action: entry.action, side: side, sample: entry.sample,
                  detail: entry.detail, occurrences: entry.occurrences)
    }
}
