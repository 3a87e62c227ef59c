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
        var start = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                if byte == 0x0A && lastWasCR && index == start && line.isEmpty {
                    // The LF of a CRLF whose CR ended the previous line.
                    lastWasCR = false
                    index += 1
                    start = index
                    continue
                }
                line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                processLine(onEvent: onEvent)
                line.removeAll(keepingCapacity: true)
                lastWasCR = byte == 0x0D
                index += 1
                if lastWasCR, index < count, bytes[index] == 0x0A {
                    lastWasCR = false
                    index += 1
                }
                start = index
            } else {
                if lastWasCR { lastWasCR = false }
                index += 1
            }
        }
        if start < count {
            line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<count]))
        }
    }

    /// Dispatches an event left unterminated when the stream ended (some servers omit the final
    /// blank line).
    public mutating func finish(onEvent: (borrowing Event) -> Void) {
        if !line.isEmpty {
            processLine(onEvent: onEvent)
            line.removeAll()
        }
        if event.hasData { onEvent(event) }
        event = Event()
    }

    private mutating func processLine(onEvent: (borrowing Event) -> Void) {
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
        let field = line[0..<colon]
        if field.elementsEqual("data".utf8) {
            if event.hasData { event.data.append(0x0A) }
            event.data.append(contentsOf: line[valueStart...])
            event.hasData = true
        } else if field.elementsEqual("event".utf8) {
            event.name.removeAll(keepingCapacity: true)
            event.name.append(contentsOf: line[valueStart...])
        }
    }
}
