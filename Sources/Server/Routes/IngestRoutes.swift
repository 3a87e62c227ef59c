import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import NIOCore
import Providers
import Recorder

/// `POST /api/ingest`: calls that bypassed the proxy, reported by the tool that made them
/// (one call, or `{"calls": [...]}`). Validated whole (422 with every problem, nothing
/// recorded), priced from TokenLens's table, and recorded like proxied calls with
/// `ingested: true`. Behind `AccessGuard` like every other change.
struct IngestRoutes {
    let services: AppServices
    static let maxBody = 4 << 20

    func register(on router: Router<BasicRequestContext>) {
        router.post("/api/ingest") { request, _ in try await ingest(request) }
    }

    func ingest(_ request: Request) async throws -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxBody)
        } catch {
            return Self.errors([(0, nil, "the body is larger than \(Self.maxBody) bytes; send fewer calls per request")],
                               status: .contentTooLarge)
        }
        let body: JSONValue
        do {
            body = try buffer.withUnsafeReadableBytes { try JSONReader.parse($0) }
        } catch {
            return Self.errors([(0, nil, "the body is not valid JSON: \(error)")], status: .badRequest)
        }
        let snapshot = services.snapshots.snapshot
        let context = IngestDecoder.Context(
            prices: snapshot.prices, ids: services.ingestIDs, policyVersion: snapshot.version,
            defaultSource: request.headers[CallAttribution.sourceHeader].flatMap { CallAttribution.cleanName($0) })
        switch IngestDecoder.decode(body, context: context) {
        case .invalid(let problems):
            return Self.errors(problems.map { ($0.index, $0.field, $0.message) }, status: .unprocessableContent)
        case .calls(let records, let ignored):
            var dropped = 0
            for record in records {
                if services.recorder.record(record) {
                    // Budgets and quotas count this spend too, as they will after a restart.
                    services.engine.ledger.countExternal(record, snapshot: snapshot)
                } else {
                    dropped += 1
                }
            }
            var json = JSONText(capacity: 128 * records.count + 64)
            json.beginObject()
            json.field("accepted", records.count - dropped)
            json.field("dropped", dropped)
            json.key("ignored_fields")
            json.beginArray()
            for field in ignored { json.string(field) }
            json.endArray()
            json.key("calls")
            json.beginArray()
            for record in records {
                json.beginObject()
                json.field("id", record.id)
                json.field("ts", Timestamps.rfc3339(micros: record.timestampMicros))
                json.field("provider", record.provider)
                json.field("model", record.model)
                json.field("priced", record.priced)
                json.field("cost_usd", usd: record.costPicodollars)
                json.endObject()
            }
            json.endArray()
            json.endObject()
            // The recorder's queue was full: the calls it refused are lost (and counted).
            return .json(json.text, status: dropped > 0 ? .serviceUnavailable : .ok)
        }
    }

    static func errors(_ problems: [(index: Int, field: String?, message: String)], status: HTTPResponse.Status) -> Response {
        var json = JSONText()
        json.beginObject()
        json.key("errors")
        json.beginArray()
        for problem in problems {
            json.beginObject()
            json.field("index", problem.index)
            json.field("field", problem.field)
            json.field("message", problem.message)
            json.endObject()
        }
        json.endArray()
        json.field("accepted", 0)
        json.endObject()
        return .json(json.text, status: status)
    }
}
