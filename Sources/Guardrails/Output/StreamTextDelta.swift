/// A piece of generated text read from a stream. `channel` tells apart what must not be read
/// as one text: each choice or candidate, each content block, the arguments of each tool call.
public struct StreamTextDelta: Sendable, Equatable {
    public var channel: Int
    public var text: String

    public init(channel: Int, text: String) {
        self.channel = channel
        self.text = text
    }
}
