import Crypto

/// The `X-TokenLens-Signature` header: `sha256=` and the lower-case hex HMAC-SHA256 of the
/// exact body bytes, keyed with `[webhooks] secret`. A receiver recomputes it over the raw
/// body it got and compares in constant time.
public enum WebhookSignature {
    public static let headerName = "X-TokenLens-Signature"

    public static func header(body: [UInt8], secret: String) -> String {
        "sha256=" + hex(body: body, secret: secret)
    }

    public static func hex(body: [UInt8], secret: String) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        let code = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return code.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    /// Checks a received header against the body, in constant time.
    public static func isValid(header: String, body: [UInt8], secret: String) -> Bool {
        let expected = Array(Self.header(body: body, secret: secret).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
