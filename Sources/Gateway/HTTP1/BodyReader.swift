import NIOCore

/// Reads one HTTP/1.1 message body out of a connection's bytes, by its framing: a length,
/// the chunked transfer coding (chunk extensions and trailers read past), or the end of the
/// connection. Data comes out as slices of the bytes read, never copied; whatever follows
/// the body stays in the buffer for the next message.
struct BodyReader {
    enum Framing: Equatable {
        case length(Int)
        case chunked
        case untilClose
    }

    enum Step {
        case data(ByteBuffer)
        case end
    }

    struct MalformedChunk: Error {}

    /// A chunk-size line with its extensions, or one trailer field.
    static let maxLineBytes = 8 * 1024

    private enum State {
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        /// The line break after a chunk's data.
        case chunkEnd
        case trailers
        case untilClose
        case complete
        case done
    }

    private var state: State

    init(_ framing: Framing) {
        switch framing {
        case .length(let length): state = length == 0 ? .complete : .fixed(remaining: length)
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
    }

    /// The body runs to the end of the connection, which then completes it.
    var endsWithConnection: Bool {
        if case .untilClose = state { return true } else { return false }
    }

    /// The next piece of the body from `buffer`, `.end` once, then nil; nil also when more
    /// bytes are needed.
    mutating func next(from buffer: inout ByteBuffer) throws(MalformedChunk) -> Step? {
        while true {
            switch state {
            case .done:
                return nil
            case .complete:
                state = .done
                return .end
            case .fixed(let remaining):
                guard let slice = buffer.readBody(upTo: remaining) else { return nil }
                state = slice.readableBytes == remaining ? .complete : .fixed(remaining: remaining - slice.readableBytes)
                return .data(slice)
            case .chunkData(let remaining):
                guard let slice = buffer.readBody(upTo: remaining) else { return nil }
                state = slice.readableBytes == remaining ? .chunkEnd : .chunkData(remaining: remaining - slice.readableBytes)
                return .data(slice)
            case .untilClose:
                guard let slice = buffer.readBody(upTo: .max) else { return nil }
                return .data(slice)
            case .chunkSize:
                guard let size = try Self.line(in: &buffer, Self.chunkSize) else { return nil }
                guard let size else { throw MalformedChunk() }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkEnd:
                guard let empty = try Self.line(in: &buffer, { $0.isEmpty }) else { return nil }
                guard empty else { throw MalformedChunk() }
                state = .chunkSize
            case .trailers:
                // Trailer fields carry nothing TokenLens uses.
                guard let empty = try Self.line(in: &buffer, { $0.isEmpty }) else { return nil }
                if empty { state = .complete }
            }
        }
    }

    private static func line<T>(in buffer: inout ByteBuffer, _ parse: (UnsafeRawBufferPointer) -> T) throws(MalformedChunk) -> T? {
        if let value = buffer.readHTTPLine(parse) { return value }
        if buffer.readableBytes > maxLineBytes { throw MalformedChunk() }
        return nil
    }

    /// The size in a chunk-size line, or nil if it is not one.
    private static func chunkSize(_ line: UnsafeRawBufferPointer) -> Int? {
        var size = 0
        var digits = 0
        for byte in line {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                // Chunk extensions (and the blanks allowed before them) carry nothing TokenLens uses.
                return digits > 0 ? size : nil
            default:
                return nil
            }
            digits += 1
            guard digits <= 15 else { return nil }
            size = size << 4 | value
        }
        return digits > 0 ? size : nil
    }
}

extension ByteBuffer {
    /// Up to `limit` readable bytes as a slice, or nil when there are none.
    mutating func readBody(upTo limit: Int) -> ByteBuffer? {
        let count = Swift.min(limit, readableBytes)
        guard count > 0 else { return nil }
        return readSlice(length: count)
    }

    /// Reads one line (without its CR LF, or bare LF) and parses it; nil when no line is complete.
    mutating func readHTTPLine<T>(_ parse: (UnsafeRawBufferPointer) -> T) -> T? {
        let found = withUnsafeReadableBytes { bytes -> (T, consumed: Int)? in
            guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            var end = newline
            if end > 0, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            return (parse(UnsafeRawBufferPointer(rebasing: bytes[..<end])), newline + 1)
        }
        guard let found else { return nil }
        moveReaderIndex(forwardBy: found.consumed)
        return found.0
    }
}
