@testable import Gateway
import NIOCore
import NIOHTTP1
import Testing

/// The upstream connection's own HTTP/1 response reader, on raw response bytes cut at every
/// byte, and the request head it writes.
@Suite struct UpstreamResponseParserTests {
    /// What a parser made of one response: its head, its body and whether it ended.
    struct Reading {
        var heads: [HTTPResponseHead] = []
        var body: [UInt8] = []
        var ended = false
        var bodyEvents = 0
    }

    /// Feeds `pieces` one after the other, collecting every event.
    static func read(_ pieces: [[UInt8]], toHEAD: Bool = false, parser: inout UpstreamResponseParser) throws(UpstreamResponseParser.ParseError) -> Reading {
        var reading = Reading()
        parser.expectResponse(toHEAD: toHEAD)
        for piece in pieces {
            parser.append(ByteBuffer(bytes: piece))
            while let event = try parser.next() {
                switch event {
                case .head(let head):
                    reading.heads.append(HTTPResponseHead(version: .http1_1,
                                                          status: .init(statusCode: head.status), headers: head.headers))
                case .body(let body):
                    reading.body += Array(buffer: body)
                    reading.bodyEvents += 1
                case .end: reading.ended = true
                }
            }
        }
        return reading
    }

    static func read(_ text: String, toHEAD: Bool = false) throws(UpstreamResponseParser.ParseError) -> (Reading, UpstreamResponseParser) {
        var parser = UpstreamResponseParser()
        let reading = try read([Array(text.utf8)], toHEAD: toHEAD, parser: &parser)
        return (reading, parser)
    }

    /// The same response read whole, cut in two at every byte, and one byte at a time.
    static func everySplit(_ text: String, check: (Reading, UpstreamResponseParser) throws -> Void) throws {
        let bytes = Array(text.utf8)
        var whole = UpstreamResponseParser()
        let wholeReading = try read([bytes], parser: &whole)
        try check(wholeReading, whole)
        for cut in 1..<bytes.count {
            var parser = UpstreamResponseParser()
            let reading = try read([Array(bytes[..<cut]), Array(bytes[cut...])], parser: &parser)
            try check(reading, parser)
        }
        var trickle = UpstreamResponseParser()
        let trickled = try read(bytes.map { [$0] }, parser: &trickle)
        try check(trickled, trickle)
    }

    @Test func contentLengthResponseAtEverySplit() throws {
        let body = #"{"id":"chatcmpl-1","usage":{"prompt_tokens":12,"completion_tokens":3}}"#
        let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "X-Request-Id: req_1\r\n\r\n" + body
        try Self.everySplit(response) { reading, parser in
            #expect(reading.heads.count == 1)
            #expect(reading.heads.first?.status == .ok)
            #expect(reading.heads.first?.headers["content-type"] == ["application/json"])
            #expect(reading.heads.first?.headers["x-request-id"] == ["req_1"])
            #expect(String(decoding: reading.body, as: UTF8.self) == body)
            #expect(reading.ended)
            #expect(parser.keepsAlive)
            #expect(!parser.hasUnexpectedBytes)
        }
    }

    @Test func chunkedStreamWithExtensionsAndTrailersAtEverySplit() throws {
        let events = ["data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n", "data: [DONE]\n\n"]
        var response = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        response += String(events[0].utf8.count, radix: 16) + ";name=value\r\n" + events[0] + "\r\n"
        response += String(events[1].utf8.count, radix: 16, uppercase: true) + "\r\n" + events[1] + "\r\n"
        response += "0\r\nX-Trailer: yes\r\n\r\n"
        try Self.everySplit(response) { reading, parser in
            #expect(reading.heads.count == 1)
            #expect(String(decoding: reading.body, as: UTF8.self) == events.joined())
            #expect(reading.ended)
            #expect(parser.keepsAlive)
        }
    }

    @Test func bareLineFeedsAreRead() throws {
        let (reading, _) = try Self.read("HTTP/1.1 200 OK\nContent-Length: 2\n\nok")
        #expect(reading.heads.first?.status == .ok)
        #expect(reading.body == Array("ok".utf8))
        #expect(reading.ended)
    }

    @Test func bodylessResponses() throws {
        // The answer to HEAD declares the length of a body it does not send.
        let (head, _) = try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 120\r\n\r\n", toHEAD: true)
        #expect(head.ended && head.body.isEmpty)
        for status in [204, 304] {
            let (reading, _) = try Self.read("HTTP/1.1 \(status) Nothing\r\nContent-Length: 5\r\n\r\n")
            #expect(reading.heads.first?.status.code == UInt(status))
            #expect(reading.ended && reading.body.isEmpty)
        }
        let (empty, parser) = try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(empty.ended && empty.bodyEvents == 0 && parser.keepsAlive)
    }

    @Test func interimResponsesAreSkipped() throws {
        let (reading, _) = try Self.read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx")
        #expect(reading.heads.map(\.status.code) == [201])
        #expect(reading.body == [UInt8(ascii: "x")])
        #expect(reading.ended)
        #expect(throws: UpstreamResponseParser.ParseError.switchingProtocols) {
            try Self.read("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
        }
    }

    @Test func bodyUntilTheConnectionCloses() throws {
        let (reading, parser) = try Self.read("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\":1}")
        #expect(reading.body == Array("{\"a\":1}".utf8))
        #expect(!reading.ended)
        #expect(parser.readsUntilClose)
        #expect(!parser.keepsAlive)
        // A transfer coding that is not chunked last: the same.
        let (gzip, gzipParser) = try Self.read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz")
        #expect(gzip.body == Array("xyz".utf8) && gzipParser.readsUntilClose && !gzipParser.keepsAlive)
    }

    @Test func keepAliveFollowsVersionAndConnectionHeader() throws {
        let cases: [(String, Bool)] = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", true),
            // A length beside a transfer coding: the coding frames it, the connection ends after.
            ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false),
        ]
        for (response, keepsAlive) in cases {
            let (reading, parser) = try Self.read(response)
            #expect(reading.ended, "\(response)")
            #expect(parser.keepsAlive == keepsAlive, "\(response)")
        }
    }

    @Test func twoResponsesOneAfterTheOther() throws {
        var parser = UpstreamResponseParser()
        let first = try Self.read([Array("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none".utf8)], parser: &parser)
        let second = try Self.read([Array("HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n".utf8)],
                                   parser: &parser)
        #expect(first.body == Array("one".utf8) && first.ended)
        #expect(second.heads.first?.status == .tooManyRequests)
        #expect(second.body == Array("two".utf8) && second.ended)
    }

    @Test func bytesAfterTheResponseAreNoticed() throws {
        let (reading, parser) = try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n")
        #expect(reading.ended && reading.body == Array("ok".utf8))
        #expect(parser.hasUnexpectedBytes)
        var idle = UpstreamResponseParser()
        idle.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\n"))
        #expect(try idle.next() == nil)
        #expect(idle.hasUnexpectedBytes)
    }

    @Test func malformedResponsesAreRefused() {
        let cases: [(String, UpstreamResponseParser.ParseError)] = [
            ("HTTP/2 200 OK\r\n\r\n", .malformedStatusLine),
            ("HTTP/1.1 2000 OK\r\n\r\n", .malformedStatusLine),
            ("HTTP/1.1 20x OK\r\n\r\n", .malformedStatusLine),
            ("SIP/2.0 200 OK\r\n\r\n", .malformedStatusLine),
            ("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", .malformedHeader),
            ("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", .malformedHeader),
            ("HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n", .malformedHeader),
            ("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", .badContentLength),
            ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .badContentLength),
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", .badContentLength),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .badChunk),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;ext\r\n", .badChunk),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", .badChunk),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", .badChunk),
        ]
        for (response, error) in cases {
            #expect(throws: error, "\(response)") { try Self.read(response) }
        }
        // A repeated equal length is one length.
        #expect(throws: Never.self) { try Self.read("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok") }
    }

    @Test func oversizedHeadIsRefusedWithoutWaitingForItsEnd() {
        let filler = String(repeating: "X-Filler: " + String(repeating: "a", count: 100) + "\r\n", count: 700)
        #expect(throws: UpstreamResponseParser.ParseError.headTooLarge(limit: UpstreamResponseParser.maxHeadBytes)) {
            try Self.read("HTTP/1.1 200 OK\r\n" + filler)
        }
    }

    @Test func requestHeadCarriesTheClientsHeadersAndTheProvidersHostAndLength() {
        let client = HTTPHeaders([("content-type", "application/json"), ("Authorization", "Bearer sk-test"),
                                  ("Host", "127.0.0.1:8420"), ("Content-Length", "9"), ("Connection", "keep-alive"),
                                  ("X-TokenLens-Source", "agent"), ("accept-encoding", "br, gzip")])
        var request = UpstreamRequest(method: "POST", uri: "/v1/chat/completions?x=1", clientHeaders: client, identityOnly: false,
                                      authority: "api.openai.com", body: ByteBuffer(string: "{}"))
        var buffer = ByteBuffer()
        buffer.writeUpstreamRequestHead(request)
        #expect(String(buffer: buffer) == "POST /v1/chat/completions?x=1 HTTP/1.1\r\ncontent-type: application/json\r\n"
            + "Authorization: Bearer sk-test\r\naccept-encoding: gzip\r\nhost: api.openai.com\r\ncontent-length: 2\r\n\r\n")

        // No body: no length. A rewritten stream asks for an uncompressed answer.
        request.method = "GET"
        request.body = nil
        request.identityOnly = true
        buffer.clear()
        buffer.writeUpstreamRequestHead(request)
        #expect(String(buffer: buffer) == "GET /v1/chat/completions?x=1 HTTP/1.1\r\ncontent-type: application/json\r\n"
            + "Authorization: Bearer sk-test\r\naccept-encoding: identity\r\nhost: api.openai.com\r\n\r\n")
    }

    @Test func proxyResponseHeadAndChunkLines() {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/event-stream")
        var head = ByteBuffer()
        head.writeProxyResponseHead(status: 429, headers: headers, chunked: true, close: true)
        #expect(String(buffer: head) == "HTTP/1.1 429 Too Many Requests\r\ncontent-type: text/event-stream\r\n"
            + "transfer-encoding: chunked\r\nconnection: close\r\n\r\n")
        for (size, line) in [(1, "1"), (10, "a"), (16, "10"), (4095, "fff"), (65536, "10000")] {
            var buffer = ByteBuffer()
            buffer.writeChunkSizeLine(size)
            #expect(String(buffer: buffer) == line + "\r\n")
        }
    }

    /// A provider's head passed on from its bytes: hop-by-hop fields stop, Content-Length
    /// only when the body is relayed as it is, the call's own headers follow, values keep
    /// their case and inner blanks.
    @Test func forwardedResponseHeadIsCopiedFromTheProvidersBytes() throws {
        let response = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nConnection: keep-alive\r\n"
            + "Content-Length:  12 \r\nKeep-Alive: timeout=5\r\nX-Request-Id:req_A b\r\nTransfer-Encoding: chunked\r\n\r\n"
        var parser = UpstreamResponseParser()
        parser.expectResponse(toHEAD: false)
        parser.append(ByteBuffer(string: response))
        guard case .head(let head)? = try parser.next() else {
            Issue.record("no head")
            return
        }
        #expect(head.status == 200)
        #expect(head.first(name: "content-type") == "text/event-stream; charset=utf-8")
        #expect(head.first(name: "x-request-id") == "req_A b")
        #expect(head.contains(name: "keep-alive"))
        #expect(head.first(name: "retry-after") == nil)
        let added = CallHeaders(requestID: "id-1", policyVersion: "v7")
        for keepLength in [true, false] {
            var buffer = ByteBuffer()
            buffer.writeProxyResponseHead(status: head.status, forwarding: head, keepLength: keepLength, adding: added,
                                          chunked: !keepLength, close: false)
            #expect(String(buffer: buffer) == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                + (keepLength ? "Content-Length: 12\r\n" : "") + "X-Request-Id: req_A b\r\nX-TokenLens-Request-Id: id-1\r\nX-TokenLens-Policy: v7\r\n"
                + (keepLength ? "" : "transfer-encoding: chunked\r\n") + "\r\n")
        }
    }
}
