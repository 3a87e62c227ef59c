/// Hides from the client what OpenAI adds to a chat stream only because TokenLens injected
/// `stream_options.include_usage`: the final usage chunk (`"choices":[]` plus `usage`) and the
/// `"usage":null` member of every other chunk. Works on whole events, so an event split
/// across TCP chunks is held until its blank line arrives; all other bytes pass unchanged.
public struct OpenAIUsageChunkFilter: Sendable {
    private var pending: [UInt8] = []
    /// Bytes of `pending` already known not to contain the event's end.
    private var scanned = 0

    public init() {}

    /// Returns the bytes to forward to the client for this upstream chunk.
    public mutating func filter(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        pending.append(contentsOf: bytes)
        var output: [UInt8] = []
        var eventStart = 0
        var index = max(scanned, 0)
        while index < pending.count {
            if let end = Self.eventEnd(in: pending, at: index) {
                emit(pending[eventStart..<end], into: &output)
                eventStart = end
                index = end
            } else {
                index += 1
            }
        }
        pending.removeFirst(eventStart)
        // An event end can straddle the boundary by up to three bytes (`\r\n\r\n`).
        scanned = max(0, pending.count - 3)
        return output
    }

    /// Returns what is left at the end of the stream (an event without its final blank line).
    public mutating func finish() -> [UInt8] {
        var output: [UInt8] = []
        if !pending.isEmpty { emit(pending[...], into: &output) }
        pending = []
        scanned = 0
        return output
    }

    /// If a blank line (event terminator) ends at or after `index`, returns the offset just past it.
    private static func eventEnd(in bytes: [UInt8], at index: Int) -> Int? {
        let byte = bytes[index]
        guard byte == 0x0A || byte == 0x0D else { return nil }
        if byte == 0x0A, index + 1 < bytes.count, bytes[index + 1] == 0x0A { return index + 2 }
        if byte == 0x0D, index + 1 < bytes.count {
            if bytes[index + 1] == 0x0D { return index + 2 }
            if bytes[index + 1] == 0x0A, index + 3 < bytes.count, bytes[index + 2] == 0x0D, bytes[index + 3] == 0x0A {
                return index + 4
            }
        }
        return nil
    }

    private func emit(_ event: ArraySlice<UInt8>, into output: inout [UInt8]) {
        let block = Array(event)
        if ByteSearch.hasObjectMember(#""usage""#, in: block) && ByteSearch.contains(block, #""choices":[]"#) {
            return
        }
        output.append(contentsOf: Self.removingNullUsage(from: block))
    }

    /// Removes `"usage":null` together with its separating comma.
    static func removingNullUsage(from block: [UInt8]) -> [UInt8] {
        guard let found = ByteSearch.firstIndex(of: #""usage":null"#, in: block) else { return block }
        let length = 12 // "usage":null
        var start = found
        var end = found + length
        if start > 0, block[start - 1] == UInt8(ascii: ",") {
            start -= 1
        } else if end < block.count, block[end] == UInt8(ascii: ",") {
            end += 1
        }
        var result = Array(block[..<start])
        result.append(contentsOf: block[end...])
        return result
    }
}
