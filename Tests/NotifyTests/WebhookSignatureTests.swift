import Notify
import Testing

/// The signature header against published HMAC-SHA256 vectors (RFC 4231).
struct WebhookSignatureTests {
    @Test func rfc4231TestCase2() {
        let body = Array("what do ya want for nothing?".utf8)
        #expect(WebhookSignature.hex(body: body, secret: "Jefe")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(WebhookSignature.header(body: body, secret: "Jefe")
                == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func rfc4231TestCase1() {
        // Key: 20 bytes of 0x0b, which is "\u{0b}" × 20 as UTF-8.
        let secret = String(repeating: "\u{0b}", count: 20)
        #expect(WebhookSignature.hex(body: Array("Hi There".utf8), secret: secret)
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func verificationIsExact() {
        let body = Array(#"{"event":"cost_alert"}"#.utf8)
        let header = WebhookSignature.header(body: body, secret: "s3cret")
        #expect(WebhookSignature.isValid(header: header, body: body, secret: "s3cret"))
        #expect(!WebhookSignature.isValid(header: header, body: body, secret: "other"))
        #expect(!WebhookSignature.isValid(header: header, body: body + [0x20], secret: "s3cret"))
        #expect(!WebhookSignature.isValid(header: String(header.dropLast()), body: body, secret: "s3cret"))
    }
}
