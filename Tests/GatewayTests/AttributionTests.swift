@testable import Gateway
import HTTPTypes
import NIOHTTP1
import Testing

struct ProxyRouteTests {
    @Test func providerSourceAndPath() throws {
        let route = try #require(ProxyRoute(path: "/proxy/openai+my%20agent/v1/chat/completions"))
        #expect(route.provider == .openai)
        #expect(route.source == "my agent")
        #expect(route.upstreamPath == "/v1/chat/completions")
        #expect(ProxyRoute(path: "/proxy/google/v1beta/models/gemini-2.5-pro:generateContent")?.upstreamPath
                == "/v1beta/models/gemini-2.5-pro:generateContent")
        #expect(ProxyRoute(path: "/proxy/mistral/v1/chat")?.provider == nil)
        #expect(ProxyRoute(path: "/api/status") == nil)
    }

    @Test func edgesOfThePath() throws {
        let bare = try #require(ProxyRoute(path: "/proxy/anthropic"))
        #expect(bare.provider == .anthropic)
        #expect(bare.upstreamPath == "")
        #expect(ProxyRoute(path: "/proxy/")?.providerName == "")
        #expect(ProxyRoute(path: "/proxy") == nil)
        #expect(ProxyRoute(path: "/proxy/OpenAI/v1/models")?.provider == .openai)
        let unnamed = try #require(ProxyRoute(path: "/proxy/openai+/v1/models"))
        #expect(unnamed.providerName == "openai")
        #expect(unnamed.source == nil)
        // Non-ASCII text passes through whole, on either side of a separator.
        let accented = try #require(ProxyRoute(path: "/proxy/google+équipe/v1/é+ü/x"))
        #expect(accented.source == "équipe")
        #expect(accented.upstreamPath == "/v1/é+ü/x")
    }
}

struct UpstreamEndpointTests {
    @Test func baseURLsParse() throws {
        let plain = try #require(UpstreamEndpoint(baseURL: "http://127.0.0.1:8080/"))
        #expect(!plain.secure && plain.host == "127.0.0.1" && plain.port == 8080 && plain.basePath == "")
        #expect(plain.authority == "127.0.0.1:8080" && plain.serverName == nil)
        let tls = try #require(UpstreamEndpoint(baseURL: "https://api.openai.com"))
        #expect(tls.secure && tls.port == 443 && tls.serverName == "api.openai.com" && tls.authority == "api.openai.com")
        let prefixed = try #require(UpstreamEndpoint(baseURL: "HTTPS://gateway.example:8443/openai/"))
        #expect(prefixed.secure && prefixed.port == 8443 && prefixed.basePath == "/openai")
        let v6 = try #require(UpstreamEndpoint(baseURL: "http://[::1]:9000"))
        #expect(v6.host == "::1" && v6.port == 9000 && v6.authority == "[::1]:9000" && v6.serverName == nil)
        #expect(UpstreamEndpoint(baseURL: "http://[::1]")?.port == 80)
        for bad in ["api.openai.com", "ftp://h", "http://", "http://h:0", "http://h:x", "http://[::1"] {
            #expect(UpstreamEndpoint(baseURL: bad) == nil, "\(bad)")
        }
    }
}

struct CallAttributionTests {
    func headers(_ pairs: [(String, String)]) -> HTTPHeaders {
        HTTPHeaders(pairs)
    }

    @Test func headerBeatsURLBeatsUserAgent() {
        let ua = ("User-Agent", "claude-cli/2.0.14 (external, cli)")
        #expect(CallAttribution(headers: headers([("X-TokenLens-Source", "billing-bot"), ua]), urlSource: "x").source == "billing-bot")
        #expect(CallAttribution(headers: headers([ua]), urlSource: "x").source == "x")
        #expect(CallAttribution(headers: headers([ua]), urlSource: nil).source == "claude-code")
        #expect(CallAttribution(headers: headers([]), urlSource: nil).source == "unknown")
    }

    @Test(arguments: [
        ("codex_cli_rs/0.46.0 (Debian 12; x86_64) xterm", "codex"),
        ("OpenAI/Python 1.109.1", "openai-python"),
        ("AsyncAnthropic/Python 0.69.0", "anthropic-python"),
        ("Aider/0.86", "aider"),
    ])
    func knownUserAgents(agent: String, source: String) {
        #expect(CallAttribution(headers: headers([("User-Agent", agent)]), urlSource: nil).source == source)
    }

    @Test func tags() {
        let attribution = CallAttribution(headers: headers([("X-TokenLens-Tags", " team=search , env=dev,broken, =x")]), urlSource: nil)
        #expect(attribution.tags == ["team": "search", "env": "dev"])
    }
}

struct ForwardedHeadersTests {
    static func upstream(_ fields: HTTPHeaders, identityOnly: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        ForwardedHeaders.forEachUpstream(fields, identityOnly: identityOnly) { headers.add(name: $0, value: $1) }
        return headers
    }

    @Test func secretsGoUpstreamTokenLensHeadersDoNot() {
        let fields = HTTPHeaders([("Authorization", "Bearer sk-secret"), ("x-api-key", "key"), ("X-TokenLens-Source", "agent"),
                                  ("Connection", "keep-alive"), ("Accept-Encoding", "gzip, deflate, br, zstd")])
        let upstream = Self.upstream(fields, identityOnly: false)
        #expect(upstream["authorization"] == ["Bearer sk-secret"])
        #expect(upstream["x-api-key"] == ["key"])
        #expect(upstream["x-tokenlens-source"].isEmpty)
        #expect(upstream["connection"].isEmpty && upstream["host"].isEmpty)
        #expect(upstream["accept-encoding"] == ["gzip, deflate"])
        #expect(Self.upstream(fields, identityOnly: true)["accept-encoding"] == ["identity"])
    }

    @Test(arguments: [
        ("gzip, deflate", "gzip, deflate"), ("gzip,deflate", "gzip,deflate"), ("GZIP;q=1.0, identity", "GZIP;q=1.0, identity"),
        ("br, gzip, deflate", "gzip, deflate"), (" br ;q=1, x-gzip ; q=0.5 ,zstd", "x-gzip ; q=0.5"),
        ("br", "identity"), ("", "identity"), ("gzip,,deflate", "gzip, deflate"), ("*", "identity"),
        ("gzipped, deflate", "deflate"), ("\tdeflate\t", "\tdeflate\t"),
    ])
    func acceptEncodingKeepsOnlyWhatTokenLensReads(_ asked: String, _ forwarded: String) {
        #expect(ForwardedHeaders.supportedEncodings(asked) == forwarded)
    }

    @Test func namesMatchInAnyCaseAndOnlyWhole() {
        let fields = HTTPHeaders([("HOST", "h"), ("Content-LENGTH", "5"), ("TE", "trailers"), ("Tester", "kept"),
                                  ("x-TOKENLENS-tags", "a=b"), ("X-TokenLensish", "kept"), ("Keep-Alive", "timeout=5")])
        let upstream = Self.upstream(fields, identityOnly: false)
        #expect(upstream.map(\.name) == ["Tester", "X-TokenLensish"])
    }

    @Test func responseLengthDroppedWhenTheBodyChanges() {
        let headers = HTTPHeaders([("Content-Length", "10"), ("Transfer-Encoding", "chunked"), ("X-Request-Id", "r")])
        let kept = ForwardedHeaders.clientResponse(headers, keepLength: true)
        #expect(kept["content-length"] == ["10"] && kept["transfer-encoding"].isEmpty && kept["x-request-id"] == ["r"])
        #expect(ForwardedHeaders.clientResponse(headers, keepLength: false)["content-length"].isEmpty)
    }
}

struct RequestIDTests {
    @Test func idsSortByCreation() {
        let generator = RequestIDGenerator()
        let ids = (0..<1000).map { _ in generator.next() }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.count == 26 })
    }
}

struct InflaterTests {
    @Test func inflatesGzipAcrossChunks() throws {
        // "hello hello hello\n" gzip-compressed by `gzip -c`.
        let gz: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9,
                           0x57, 0xc8, 0x40, 0x90, 0x5c, 0x00, 0x3b, 0x7c, 0x8a, 0xdf, 0x12, 0x00, 0x00, 0x00]
        for cut in 1..<gz.count {
            let inflater = try #require(Inflater(contentEncoding: "gzip"))
            var out: [UInt8] = []
            for part in [Array(gz[..<cut]), Array(gz[cut...])] {
                part.withUnsafeBytes { inflater.inflate($0) { out += $0 } }
            }
            #expect(String(decoding: out, as: UTF8.self) == "hello hello hello\n")
        }
        #expect(Inflater(contentEncoding: "br") == nil)
    }
}
