import Hummingbird
import NIOCore
import Recorder

/// `GET /api/export/json` and `/api/export/jsonl?days=30`: every call of the window in the
/// recorded-call shape, as one JSON array or one object per line, streamed page by page like
/// the CSV export.
struct ExportRoutes {
    let store: CallStore

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/export/json") { request, _ in export(request, lines: false) }
        router.get("/api/export/jsonl") { request, _ in export(request, lines: true) }
    }

    func export(_ request: Request, lines: Bool) -> Response {
        let window = APIRoutes.window(request, default: 30)
        let store = self.store
        var headers = HTTPFields()
        headers[.contentType] = lines ? "application/x-ndjson" : "application/json"
        headers[.contentDisposition] = "attachment; filename=\"tokenlens-\(window.days)d.\(lines ? "jsonl" : "json")\""
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var first = true
            if !lines { try await writer.write(ByteBuffer(string: "[")) }
            try await store.forEachCall(in: window) { page in
                var chunk = ""
                for record in page {
                    if lines {
                        chunk += CallRecordJSON.string(record) + "\n"
                    } else {
                        chunk += (first ? "" : ",") + CallRecordJSON.string(record)
                        first = false
                    }
                }
                try await writer.write(ByteBuffer(string: chunk))
            }
            if !lines { try await writer.write(ByteBuffer(string: "]")) }
            try await writer.finish(nil)
        })
    }
}
