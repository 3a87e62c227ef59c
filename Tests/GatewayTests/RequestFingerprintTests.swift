@testable import Gateway
import NIOCore
import Testing

struct RequestFingerprintTests {
    let body = ByteBuffer(string: #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#)

    @Test func theSameRequestGetsTheSameFingerprint() {
        let first = RequestFingerprint.of(body: body, model: "gpt-4o", source: "aider")
        #expect(first == RequestFingerprint.of(body: body, model: "gpt-4o", source: "aider"))
        #expect(first.utf8.count == 16)
        #expect(first.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
    }

    @Test func bodyModelAndSourceEachChangeIt() {
        let base = RequestFingerprint.of(body: body, model: "gpt-4o", source: "aider")
        #expect(base != RequestFingerprint.of(body: body, model: "gpt-4o-mini", source: "aider"))
        #expect(base != RequestFingerprint.of(body: body, model: "gpt-4o", source: "codex"))
        #expect(base != RequestFingerprint.of(body: body, model: nil, source: "aider"))
        var changed = body
        changed.setBytes([UInt8(ascii: "H")], at: changed.readerIndex + changed.readableBytes - 5)
        #expect(base != RequestFingerprint.of(body: changed, model: "gpt-4o", source: "aider"))
        // Every length of tail (bytes after the last whole 8-byte word) is read.
        var seen = Set<String>()
        for length in 0..<24 {
            seen.insert(RequestFingerprint.of(body: ByteBuffer(bytes: [UInt8](repeating: 0, count: length)), model: nil, source: ""))
        }
        #expect(seen.count == 24)
    }

    /// Stored fingerprints are grouped across days and restarts: the value must not drift.
    /// (The expected value was computed by a separate implementation of the same mixing.)
    @Test func theValueIsStable() {
        #expect(RequestFingerprint.of(body: body, model: "gpt-4o", source: "aider") == "b1ebd30df32b4c21")
    }
}
