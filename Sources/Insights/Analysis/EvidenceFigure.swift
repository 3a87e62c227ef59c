/// A named number that backs a finding (a rate, a count, tokens, dollars), in the order the
/// finding lists them.
public struct EvidenceFigure: Sendable, Equatable {
    public var name: String
    public var value: Double

    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
}
