import HTTPTypes
import Hummingbird
import NIOCore
import Policy
import Providers

/// `GET/PUT /api/config/{quotas,routing,guardrails}` and `/api/settings/{budget,alerts,pricing,webhooks}`.
/// GET returns the section with an `ETag` (the policy version); PUT validates, edits the TOML
/// in place, and answers once the new snapshot is live. `If-Match` with a stale version → 412;
/// an invalid body → 422 with positioned errors, and nothing is written.
struct ConfigRoutes {
    let config: ConfigService
    static let maxBody = 1 << 20

    func register(on router: Router<BasicRequestContext>) {
        for section in ConfigSection.allCases {
            let path = section.isPolicy ? "/api/config/\(section.rawValue)" : "/api/settings/\(section.rawValue)"
            router.get(RouterPath(path)) { _, _ in get(section) }
            router.put(RouterPath(path)) { request, _ in try await put(section, request) }
        }
    }

    func get(_ section: ConfigSection) -> Response {
        let (version, json) = config.current(section)
        var response = Response.json(JSONWriter.serialize(json))
        response.headers[.eTag] = "\"\(version)\""
        return response
    }

    func put(_ section: ConfigSection, _ request: Request) async throws -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxBody)
        } catch {
            return Self.errors([ConfigEditorDiagnostics.body("too-large", "the body is larger than \(Self.maxBody) bytes")])
        }
        let body: JSONValue
        do {
            body = try buffer.withUnsafeReadableBytes { try JSONReader.parse($0) }
        } catch {
            return Self.errors([ConfigEditorDiagnostics.body("invalid-json", "the body is not valid JSON: \(error)")])
        }
        switch await config.update(section, body: body, ifMatch: request.headers[.ifMatch]) {
        case .applied(let version, let files, let json):
            var out = JSONText()
            out.beginObject()
            out.field("version", version)
            out.key("changed_files")
            out.beginArray()
            for file in files { out.string(file) }
            out.endArray()
            out.key("config")
            out.raw(JSONWriter.serialize(json))
            out.endObject()
            var response = Response.json(out.text)
            response.headers[.eTag] = "\"\(version)\""
            return response
        case .staleVersion(let current):
            var out = JSONText()
            out.beginObject()
            out.key("error")
            out.beginObject()
            out.field("message", "the policy changed since you read it (now \(current)); GET it again and retry")
            out.field("status", 412)
            out.endObject()
            out.field("version", current)
            out.endObject()
            var response = Response.json(out.text, status: .preconditionFailed)
            response.headers[.eTag] = "\"\(current)\""
            return response
        case .invalid(let diagnostics):
            return Self.errors(diagnostics)
        case .failed(let message):
            return AccessGuard<BasicRequestContext>.refusal(.internalServerError, message)
        }
    }

    static func errors(_ diagnostics: [Diagnostic]) -> Response {
        var out = JSONText()
        out.beginObject()
        out.key("errors")
        DiagnosticJSON.writeList(diagnostics, into: &out)
        out.endObject()
        return .json(out.text, status: .unprocessableContent)
    }
}

enum ConfigEditorDiagnostics {
    static func body(_ code: String, _ message: String) -> Diagnostic {
        Diagnostic(file: "(request body)", line: 1, column: 1, severity: .error, code: code, message: message)
    }
}
