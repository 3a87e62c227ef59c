import CZlib

/// Streaming gzip/deflate decoder (zlib) for reading compressed upstream bodies. The client
/// still receives the compressed bytes; only TokenLens's copy for usage is inflated.
final class Inflater {
    private var stream = z_stream()
    private var ready = false
    private var failed = false

    /// - Parameter encoding: the `Content-Encoding` value; nil for encodings zlib cannot read.
    init?(contentEncoding encoding: String) {
        let coding = encoding.lowercased().trimmed()
        guard coding == "gzip" || coding == "x-gzip" || coding == "deflate" else { return nil }
        // 15 + 32: a 32 KiB window with automatic gzip/zlib header detection.
        ready = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        if !ready { return nil }
    }

    deinit {
        if ready { inflateEnd(&stream) }
    }

    /// Inflates `input`, handing each decoded piece to `output`. Corrupt data stops decoding
    /// silently: usage is then unknown, but the client's bytes are unaffected.
    func inflate(_ input: UnsafeRawBufferPointer, into output: (UnsafeRawBufferPointer) -> Void) {
        guard ready, !failed, let base = input.baseAddress, input.count > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 32 * 1024)
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        repeat {
            let produced: Int = chunk.withUnsafeMutableBytes { buffer in
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(buffer.count)
                let result = CZlib.inflate(&stream, Z_NO_FLUSH)
                if result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR {
                    failed = true
                }
                if result == Z_STREAM_END {
                    // Concatenated gzip members are legal; start over for the next one.
                    inflateReset(&stream)
                }
                return buffer.count - Int(stream.avail_out)
            }
            if produced > 0 {
                chunk.withUnsafeBytes { output(UnsafeRawBufferPointer(rebasing: $0[..<produced])) }
            }
            if failed { return }
        } while stream.avail_in > 0 || stream.avail_out == 0
        stream.next_in = nil
    }
}
