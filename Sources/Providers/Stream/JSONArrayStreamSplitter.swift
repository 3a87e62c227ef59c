/// Splits a streamed top-level JSON array (`[{...},{...}]`, Gemini's streaming form without
/// `alt=sse`) into its elements as they complete, across arbitrary chunk boundaries.
public struct JSONArrayStreamSplitter: Sendable {
    private var element: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var started = false

    public init() {}

    public mutating func feed(_ bytes: UnsafeRawBufferPointer, onElement: ([UInt8]) -> Void) {
        for byte in bytes {
            if !started {
                if byte == UInt8(ascii: "[") { started = true }
                continue
            }
            if depth == 0 {
                // Between elements: only separators and whitespace, or the start of an element.
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth = 1
                    element.removeAll(keepingCapacity: true)
                    element.append(byte)
                default:
                    continue
                }
                continue
            }
            element.append(byte)
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { onElement(element) }
            default: break
            }
        }
    }
}
