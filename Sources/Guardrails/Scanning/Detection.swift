/// A validated match: the bytes it covers (which may be narrower than what the pattern took,
/// e.g. a phone number without a trailing group), a finer label, and its weight towards the
/// finding threshold (`FindingAccumulator.threshold`).
struct Detection {
    var range: Range<Int>
    var detail: String?
    var weight: Int

    init(range: Range<Int>, detail: String? = nil, weight: Int = FindingAccumulator.threshold) {
        self.range = range
        self.detail = detail
        self.weight = weight
    }
}
