import Providers

/// The token count of each segment of a prompt, counted once and shared by the heatmap and
/// waste detection (tokenizing is the expensive part of both).
public struct SegmentTokenCounts: Sendable, Equatable {
    /// One count per segment, in the order of `PromptContent.segments`.
    public var counts: [Int]
    public var encoding: TokenEncoding
    public var accuracy: TokenCountAccuracy

    public init(_ content: PromptContent, counter: TokenCounter) {
        counts = content.segments.map { counter.count($0.text) }
        encoding = counter.encoding
        accuracy = counter.accuracy
    }

    /// The prompt's tokens, segment by segment (message framing not included).
    public var total: Int { counts.reduce(0, +) }
}
