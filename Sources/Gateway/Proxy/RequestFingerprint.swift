import Crypto
import NIOCore

/// A short hash naming a request's content (body, model, source): a client that sends the
/// same request again within seconds is retrying, and a loop of that is worth flagging.
enum RequestFingerprint {
    static func of(body: ByteBuffer, model: String?, source: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(((model ?? "") + "\u{0}" + source + "\u{0}").utf8))
        body.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(16)
        for byte in hasher.finalize().prefix(8) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
