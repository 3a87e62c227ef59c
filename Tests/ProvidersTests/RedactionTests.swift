import Providers
import Testing

/// What request logging may store: no key, token or password survives, and ordinary text
/// (token counts, model names, hyphenated words) is left alone.
struct RedactionTests {
    static let r = SecretRedactor.marker

    @Test(arguments: [
        ("Authorization", "Bearer sk-abc"), ("x-api-key", "sk-ant-api03-xyz"), ("X-Goog-Api-Key", "AIzaSyA"),
        ("cookie", "session=1"), ("X-Custom-Token", "t"), ("api-key", "azure"), ("proxy-authorization", "Basic eA=="),
    ])
    func credentialHeadersLoseTheirValue(name: String, value: String) {
        #expect(SecretRedactor.header(name: name, value: value) == Self.r)
    }

    @Test func otherHeadersKeepTheirValue() {
        #expect(SecretRedactor.header(name: "content-type", value: "application/json") == "application/json")
        #expect(SecretRedactor.header(name: "anthropic-version", value: "2023-06-01") == "2023-06-01")
        #expect(SecretRedactor.header(name: "user-agent", value: "OpenAI/Python 1.0") == "OpenAI/Python 1.0")
        #expect(SecretRedactor.header(name: "X-TokenLens-Tags", value: "team=search") == "team=search")
    }

    @Test func queryParametersNamedLikeKeys() {
        #expect(SecretRedactor.path("/v1beta/models/gemini:generateContent?key=AIzaSyB123&alt=sse")
                == "/v1beta/models/gemini:generateContent?key=\(Self.r)&alt=sse")
        #expect(SecretRedactor.query("access_token=abc&sig=xyz&x=1") == "access_token=\(Self.r)&sig=\(Self.r)&x=1")
        #expect(SecretRedactor.path("/v1/chat/completions") == "/v1/chat/completions")
    }

    @Test(arguments: [
        "sk-proj-AbCdEfGhIjKlMnOp0123456789", "sk" + "-ant-api03-AbCdEf0123456789-xyz_ABC", "AIzaSyA1b2C3d4E5f6G7h8I9j0K",
        "ghp_0123456789abcdefghijABCDEFGHIJ", "AKIAIOSFODNN7EXAMPLE", "xoxb-1234567890-abcdefghij",
        "sk-e2e-openai-SECRET-9f8e7d6c5b4a", "AIza-e2e-SECRET-0p9o8i7u6y5t",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ])
    func providerKeysInBodiesAreRemoved(secret: String) {
        let text = #"{"messages":[{"role":"user","content":"my key is "# + secret + #" ok"}]}"#
        let redacted = SecretRedactor.text(text)
        #expect(!redacted.contains(secret))
        #expect(redacted == #"{"messages":[{"role":"user","content":"my key is \#(Self.r) ok"}]}"#)
    }

    @Test func valuesAfterSecretNamesAreRemoved() {
        #expect(SecretRedactor.text(#"{"api_key": "hunter2hunter2", "model": "gpt-4o"}"#)
                == #"{"api_key": "\#(Self.r)", "model": "gpt-4o"}"#)
        #expect(SecretRedactor.text(#"{"password":"correct horse"}"#) == #"{"password":"\#(Self.r) horse"}"#)
        #expect(SecretRedactor.text("DB_PASSWORD=s3cr3tpass\nHOST=db") == "DB_PASSWORD=\(Self.r)\nHOST=db")
        #expect(SecretRedactor.text("Authorization: Bearer abcdefghijklmnopqrstuvwx") == "Authorization: Bearer \(Self.r)")
        #expect(SecretRedactor.text("curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwx'")
                == "curl -H 'Authorization: Bearer \(Self.r)'")
        // Inside a JSON string, quotes are escaped.
        #expect(SecretRedactor.text(#"{"content":"{\"client_secret\": \"abcdef123456\"}"}"#)
                == #"{"content":"{\"client_secret\": \"\#(Self.r)\"}"}"#)
        #expect(SecretRedactor.text("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\nafter")
                == "\(Self.r)\nafter")
    }

    @Test func ordinaryContentIsKept() {
        let body = #"{"model":"claude-sonnet-4-5","max_tokens":1024,"usage":{"input_tokens":12,"output_tokens":34},"stop_reason":"end_turn","text":"use sk-learn-examples and a token budget; tokens: 500"}"#
        #expect(SecretRedactor.text(body) == body)
        #expect(SecretRedactor.text("the password field is required") == "the password field is required")
        #expect(SecretRedactor.text("") == "")
        #expect(SecretRedactor.text("日本語 sk-") == "日本語 sk-")
    }
}
