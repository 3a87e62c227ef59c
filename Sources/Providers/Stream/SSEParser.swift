/// An incremental server-sent-events parser (WHATWG rules: CRLF, LF or CR line ends; `data`
/// lines joined with `\n`; comments ignored). Bytes may be split anywhere between calls,
/// including between a CR and its LF.
public struct SSEParser: Sendable {
    /// The event being assembled. `data` of successive `data:` lines is joined with `\n`.
    public struct Event: Sendable, Equatable {
        public var name: [UInt8] = []
        public var data: [UInt8] = []
        public var hasData = false

        public var nameString: String { String(decoding: name, as: UTF8.self) }
    }

    private var line: [UInt8] = []
    private var event = Event()
    private var lastWasCR = false

    public init() {}

    /// Feeds bytes; calls `onEvent` for every event completed by them.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, onEvent: (borrowing Event) -> Void) {
        let count = bytes.count
        var index = 0
        if lastWasCR, count > 0 {
            // The LF of a CRLF whose CR ended the previous feed.
            lastWasCR = false
            if bytes[0] == 0x0A { index = 1 }
        }
        while index < count {
            let end = Self.lineEnd(in: bytes, from: index)
            let piece = UnsafeRawBufferPointer(rebasing: bytes[index..<end])
            guard end < count else {
                line.append(contentsOf: piece)
                return
            }
            if line.isEmpty {
                // The whole line is in this feed: read in place, not copied.
                processLine(piece, onEvent: onEvent)
            } else {
                line.append(contentsOf: piece)
                processBufferedLine(onEvent: onEvent)
            }
            index = end + 1
            if bytes[end] == 0x0D {
                if index == count {
                    lastWasCR = true
                } else if bytes[index] == 0x0A {
                    index += 1
                }
            }
        }
    }

    /// The offset of the first CR or LF at or after `start`, or the end of `bytes`. Looks at
    /// eight bytes per step: event lines are long JSON payloads.
    static func lineEnd(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index + 8 <= bytes.count {
            let word = ByteWord(bytes, at: index)
            let marks = word.marks(equalTo: 0x0A) | word.marks(equalTo: 0x0D)
            if marks != 0 { return index + ByteWord.firstMarked(marks) }
            index += 8
        }
        while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
        return index
    }

    /// Dispatches an event left unterminated when the stream ended (some servers omit the final
    /// blank line).
    public mutating func finish(onEvent: (borrowing Event) -> Void) {
        if !line.isEmpty {
            processBufferedLine(onEvent: onEvent)
        }
        if event.hasData { onEvent(event) }
        event = Event()
    }

    /// Processes the line that was assembled across feeds, and empties the buffer (keeping
    /// its storage). It is moved out first: processing changes `self`.
    private mutating func processBufferedLine(onEvent: (borrowing Event) -> Void) {
        var buffered: [UInt8] = []
        swap(&buffered, &line)
        buffered.withUnsafeBytes { processLine($0, onEvent: onEvent) }
        buffered.removeAll(keepingCapacity: true)
        swap(&buffered, &line)
    }

    private mutating func processLine(_ line: UnsafeRawBufferPointer, onEvent: (borrowing Event) -> Void) {
        if line.isEmpty {
            if event.hasData { onEvent(event) }
            event.name.removeAll(keepingCapacity: true)
            event.data.removeAll(keepingCapacity: true)
            event.hasData = false
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.count
        var valueStart = min(colon + 1, line.count)
        if valueStart < line.count, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = UnsafeRawBufferPointer(rebasing: line[0..<colon])
        let value = UnsafeRawBufferPointer(rebasing: line[valueStart...])
        if field.elementsEqual("data".utf8) {
            if event.hasData { event.data.append(0x0A) }
            event.data.append(contentsOf: value)
            event.hasData = true
        } else if field.elementsEqual("event".utf8) {
            event.name.removeAll(keepingCapacity: true)
            event.name.append(contentsOf: value)
        }
    }
}
