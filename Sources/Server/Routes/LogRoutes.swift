import HTTPTypes
import Hummingbird
import Recorder

/// `GET /api/logs?limit=&before=` and `GET /api/logs/{id}`: request and response bodies
/// captured while `[logging] enabled` is on, with secrets redacted before they were stored.
/// The list carries sizes and the linked call; one entry carries the bodies and headers.
struct LogRoutes {
    let services: AppServices

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/logs") { request, _ in try await list(request) }
        router.get("/api/logs/:id") { _, context in try await detail(context.parameters.get("id") ?? "") }
    }

    func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let logs = try await services.store.requestLogs(limit: query.get("limit", as: Int.self) ?? 20, before: query.get("before"))
        var json = JSONText(capacity: 400 * max(logs.count, 1))
        json.beginObject()
        json.field("enabled", services.snapshots.snapshot.logging.enabled)
        json.key("logs")
        json.beginArray()
        for log in logs {
            json.beginObject()
            Self.writeSummary(log, into: &json)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return .json(json.text)
    }

    func detail(_ id: String) async throws -> Response {
        guard let log = try await services.store.requestLog(callID: id) else {
            return AccessGuard<BasicRequestContext>.refusal(.notFound, "no request log for call \(id) (bodies are captured only while [logging] enabled is on)")
        }
        var json = JSONText(capacity: 512 + log.requestBody.utf8.count + log.responseBody.utf8.count)
        json.beginObject()
        Self.writeSummary(log, into: &json)
        json.key("request")
        json.beginObject()
        Self.writeHeaders(log.requestHeaders, into: &json)
        json.field("body", log.requestBody)
        json.endObject()
        json.key("response")
        json.beginObject()
        Self.writeHeaders(log.responseHeaders, into: &json)
        json.field("body", log.responseBody)
        json.endObject()
        json.endObject()
        return .json(json.text)
    }

    static func writeSummary(_ log: RequestLog, into json: inout JSONText) {
        json.field("id", log.callID)
        json.field("ts", Timestamps.rfc3339(micros: log.timestampMicros))
        json.field("method", log.method)
        json.field("path", log.path)
        json.field("status_code", log.statusCode)
        json.field("request_bytes", log.requestBytes)
        json.field("response_bytes", log.responseBytes)
        json.field("request_truncated", log.requestTruncated)
        json.field("response_truncated", log.responseTruncated)
        json.field("provider", log.call?.provider)
        json.field("model", log.call?.model)
        json.field("source", log.call?.source)
        json.field("outcome", log.call?.outcome)
        json.field("cost_usd", usd: log.call?.costPico)
    }

    static func writeHeaders(_ headers: [RequestLog.Header], into json: inout JSONText) {
        json.key("headers")
        json.beginArray()
        for header in headers {
            json.beginArray()
            json.string(header.name)
            json.string(header.value)
            json.endArray()
        }
        json.endArray()
    }
}
