import Crypto
import NIOCore

/// A short hash naming a request's content (body, model, source): a client that sends the
/// same request again within seconds is retrying, and a loop of that is worth flagging.
enum RequestFingerprint {
    static func of(body: ByteBuffer, model: String?, source: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(((model ?? "") + "\u{0}" + source + "\u{0}").utf8))
        body.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize().prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
