@testable import Gateway
import NIOCore
import Testing

/// How the proxy splits a client connection's bytes: `/proxy/*` requests read here, all else
/// passed on byte for byte, cut at every byte.
@Suite struct ClientRequestReaderTests {
    /// Everything one reader made of a connection's bytes.
    struct Split: Equatable {
        /// Per proxied request: method, path, query, its body.
        var proxied: [[String]] = []
        /// The bytes passed on to the server, in order.
        var passed: [UInt8] = []
        var serverRequests = 0
        var malformed = false
        var keepAlive: [Bool] = []
    }

    static func split(_ pieces: [[UInt8]], mayStart: (ClientRequestReader.Kind) -> Bool = { _ in true }) -> Split {
        var reader = ClientRequestReader()
        var result = Split()
        var body: [UInt8] = []
        var current: [String] = []
        for piece in pieces {
            reader.append(ByteBuffer(bytes: piece))
            while let event = reader.next(mayStart: mayStart) {
                switch event {
                case .proxied(let request):
                    current = [request.head.method, request.head.path, request.head.query ?? "-"]
                    result.keepAlive.append(request.keepAlive)
                    body = []
                case .body(let chunk): body += Array(buffer: chunk)
                case .end: result.proxied.append(current + [String(decoding: body, as: UTF8.self)])
                case .serverRequest(let head):
                    result.serverRequests += 1
                    result.passed += Array(buffer: head)
                case .pass(let bytes): result.passed += Array(buffer: bytes)
                case .malformed: result.malformed = true
                }
            }
        }
        return result
    }

    /// The same bytes read whole, cut in two at every byte, and one byte at a time, all alike.
    static func everySplit(_ text: String) -> Split {
        let bytes = Array(text.utf8)
        let whole = split([bytes])
        for cut in 1..<bytes.count {
            let parts = split([Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(parts == whole, "cut at \(cut)")
        }
        #expect(split(bytes.map { [$0] }) == whole)
        return whole
    }

    static let chat = #"{"model":"gpt-5-mini","messages":[{"role":"user","content":"hi"}]}"#

    @Test func proxiedRequestWithLengthAndQuery() {
        let result = Self.everySplit("POST /proxy/openai/v1/chat/completions?x=1&y=2 HTTP/1.1\r\nHost: a\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(Self.chat.utf8.count)\r\n\r\n" + Self.chat)
        #expect(result.proxied == [["POST", "/proxy/openai/v1/chat/completions", "x=1&y=2", Self.chat]])
        #expect(result.passed.isEmpty && result.serverRequests == 0)
        #expect(result.keepAlive == [true])
    }

    @Test func proxiedChunkedBodyIsUnframed() {
        let result = Self.everySplit("POST /proxy/anthropic/v1/messages HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\n{\"a\":\r\n3\r\n1}\n\r\n0\r\nX-Trailer: t\r\n\r\n")
        #expect(result.proxied == [["POST", "/proxy/anthropic/v1/messages", "-", "{\"a\":1}\n"]])
    }

    @Test func serverRequestsPassByteForByte() {
        let text = "GET /api/status HTTP/1.1\r\nHost: a\r\n\r\n"
            + "POST /api/config/budgets HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd"
            + "PUT /api/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
        let result = Self.everySplit(text)
        #expect(result.passed == Array(text.utf8))
        #expect(result.serverRequests == 3)
        #expect(result.proxied.isEmpty)
    }

    @Test func mixedPipelineKeepsEachRequestWhole() {
        let proxied = "POST /proxy/openai/v1/embeddings HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
        let server = "GET /api/status HTTP/1.1\r\n\r\n"
        let result = Self.everySplit(proxied + server + proxied + server)
        #expect(result.proxied.count == 2)
        #expect(result.passed == Array((server + server).utf8))
        #expect(result.serverRequests == 2)
    }

    @Test func upgradeSendsEverythingAfterItToTheServer() {
        let text = "GET /api/live HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
            + "\u{81}\u{05}hello" + "POST /proxy/openai/v1/x HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
        let result = Self.everySplit(text)
        #expect(result.passed == Array(text.utf8))
        #expect(result.proxied.isEmpty)
    }

    @Test func emptyLinesBeforeARequestAreSkipped() {
        let result = Self.everySplit("POST /proxy/openai/v1/x HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}\r\n"
            + "\r\nPOST /proxy/openai/v1/y HTTP/1.1\r\nContent-Length: 2\r\n\r\n[]")
        #expect(result.proxied == [["POST", "/proxy/openai/v1/x", "-", "{}"], ["POST", "/proxy/openai/v1/y", "-", "[]"]])
    }

    @Test func aProxiedRequestAskingToUpgradeIsProxied() {
        let text = "GET /proxy/openai/v1/models HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\nGET /api/status HTTP/1.1\r\n\r\n"
        let result = Self.split([Array(text.utf8)])
        #expect(result.proxied == [["GET", "/proxy/openai/v1/models", "-", ""]])
        #expect(result.passed == Array("GET /api/status HTTP/1.1\r\n\r\n".utf8) && result.serverRequests == 1)
    }

    @Test func unreadableHeadsGoToTheServersParser() {
        for text in ["GARBAGE\r\n\r\nPOST /proxy/openai/v1/x HTTP/1.1\r\n\r\n",
                     "GET /proxy/openai/v1/models HTTP/2.0\r\n\r\n",
                     "GET /proxy/openai/v1/models HTTP/1.1\r\n folded: x\r\n\r\n"] {
            let result = Self.split([Array(text.utf8)])
            #expect(result.passed == Array(text.utf8), "\(text)")
            #expect(result.proxied.isEmpty)
        }
        let huge = "GET /proxy/openai/v1/models HTTP/1.1\r\n" + String(repeating: "X-A: b\r\n", count: 9000)
        #expect(Self.split([Array(huge.utf8)]).passed == Array(huge.utf8))
    }

    @Test func brokenProxiedFramingIsMalformed() {
        let badChunk = Self.split([Array("POST /proxy/openai/v1/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8)])
        #expect(badChunk.malformed && badChunk.proxied.isEmpty)
        let unknownCoding = Self.split([Array("POST /proxy/openai/v1/x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n".utf8)])
        #expect(unknownCoding.malformed)
    }

    @Test func keepAliveAndSmuggling() {
        let cases: [(String, Bool)] = [
            ("GET /proxy/openai/v1/models HTTP/1.1\r\n\r\n", true),
            ("GET /proxy/openai/v1/models HTTP/1.1\r\nConnection: close\r\n\r\n", false),
            ("GET /proxy/openai/v1/models HTTP/1.0\r\n\r\n", false),
            ("GET /proxy/openai/v1/models HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
            ("POST /proxy/openai/v1/x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false),
        ]
        for (text, keepAlive) in cases {
            #expect(Self.split([Array(text.utf8)]).keepAlive == [keepAlive], "\(text)")
        }
    }

    @Test func aRequestWaitsForItsTurn() {
        let serverRequest = "GET /api/status HTTP/1.1\r\n\r\n"
        let text = serverRequest + "POST /proxy/openai/v1/x HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
        // The proxied request may not start (the server still owes its answer): it stays unread.
        var reader = ClientRequestReader()
        reader.append(ByteBuffer(string: text))
        guard case .serverRequest? = reader.next(mayStart: { $0 == .server }) else {
            Issue.record("the server's request first")
            return
        }
        #expect(reader.next(mayStart: { $0 == .server }) == nil)
        #expect(reader.bufferedBytes == text.utf8.count - serverRequest.utf8.count)
        guard case .proxied(let request)? = reader.next(mayStart: { _ in true }) else {
            Issue.record("then the proxied one")
            return
        }
        #expect(request.head.path == "/proxy/openai/v1/x")
    }
}
