import HTTPTypes
import Hummingbird
import NIOCore

/// The analysis API over HTTP: every `GET /api/usage/...` endpoint of `AnalysisAPI`, and
/// `POST /api/analyze`.
struct AnalysisRoutes {
    let api: AnalysisAPI
    static let maxAnalyzeBody = 4 << 20

    func register(on router: Router<BasicRequestContext>) {
        for path in AnalysisAPI.paths {
            router.get(RouterPath(path)) { request, _ in try await get(path, request) }
        }
        router.post("/api/analyze") { request, _ in try await analyze(request) }
    }

    func get(_ path: String, _ request: Request) async throws -> Response {
        guard let reply = try await api.get(path, query: Self.parameters(request)) else {
            return AccessGuard<BasicRequestContext>.refusal(.notFound, "no such endpoint: \(path)")
        }
        return Self.response(reply)
    }

    func analyze(_ request: Request) async throws -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxAnalyzeBody)
        } catch {
            return AccessGuard<BasicRequestContext>.refusal(.contentTooLarge, "the trace is larger than \(Self.maxAnalyzeBody) bytes")
        }
        return Self.response(api.analyze(body: Array(buffer: buffer), query: Self.parameters(request)))
    }

    static func parameters(_ request: Request) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { values[String(name)] = String(value) }
        return values
    }

    static func response(_ reply: AnalysisAPI.Reply) -> Response {
        .json(reply.json, status: HTTPResponse.Status(code: reply.status))
    }
}
