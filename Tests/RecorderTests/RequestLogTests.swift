import Foundation
import Providers
@testable import Recorder
import Testing

/// Captured bodies reach the database only redacted.
struct RequestLogTests {
    @Test func storedLogsAreRedactedAndLinkedToTheirCall() async throws {
        let folder = NSTemporaryDirectory() + "tokenlens-logs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try CallStore(path: folder + "/usage.db")
        let record = RecorderTests.record(1)
        try await store.insert([record])
        let body = #"{"model":"gpt-4o","api_key":"hunter2hunter2","messages":[{"role":"user","content":"use sk-proj-AbCdEf0123456789xyzXYZ please"}]}"#
        let exchange = CapturedExchange(
            callID: record.id, timestampMicros: record.timestampMicros, method: "POST", path: "/v1/chat/completions?key=AIzaSECRET123",
            requestHeaders: [("authorization", "Bearer sk-live-0123456789abcdefghij"), ("x-api-key", "k"), ("content-type", "application/json")],
            requestBody: Array(body.utf8), requestBytes: body.utf8.count + 100, statusCode: 200,
            responseHeaders: [("content-type", "application/json")], responseBody: Array(#"{"ok":true}"#.utf8), responseBytes: 11)
        let writer = RequestLogWriter(store: store)
        let running = Task { await writer.run() }
        #expect(writer.submit(exchange))
        writer.close()
        await running.value

        let log = try #require(try await store.requestLog(callID: record.id))
        #expect(log.call?.source == "agent")
        #expect(log.requestTruncated)
        #expect(!log.responseTruncated)
        #expect(log.path == "/v1/chat/completions?key=[REDACTED]")
        #expect(log.requestHeaders.first { $0.name == "authorization" }?.value == "[REDACTED]")
        #expect(log.requestHeaders.first { $0.name == "x-api-key" }?.value == "[REDACTED]")
        #expect(log.requestHeaders.first { $0.name == "content-type" }?.value == "application/json")
        #expect(!log.requestBody.contains("hunter2"))
        #expect(!log.requestBody.contains("AbCdEf0123456789"))
        #expect(log.requestBody.contains(#""model":"gpt-4o""#))
        let listed = try await store.requestLogs(limit: 10)
        #expect(listed.map(\.callID) == [record.id])
        let raw = try Data(contentsOf: URL(fileURLWithPath: folder + "/usage.db"))
            + ((try? Data(contentsOf: URL(fileURLWithPath: folder + "/usage.db-wal"))) ?? Data())
        #expect(raw.range(of: Data("hunter2hunter2".utf8)) == nil)
        #expect(raw.range(of: Data("0123456789abcdefghij".utf8)) == nil)
    }
}
