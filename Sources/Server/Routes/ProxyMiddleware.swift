import Gateway
import HTTPTypes
import Hummingbird
import NIOCore

/// Hands every request under `/proxy/` to the proxy engine before routing, so the hot path
/// skips the router; everything else continues to the API routes.
struct ProxyMiddleware<Context: RequestContext>: RouterMiddleware {
    let engine: ProxyEngine

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix(ProxyRoute.prefix) else { return try await next(request, context) }
        let head = ProxyRequestHead(method: request.method.rawValue, path: request.uri.path,
                                    query: request.uri.query, headers: request.headers)
        let proxied = await engine.handle(head, body: request.body)
        let status = HTTPResponse.Status(code: proxied.status)
        switch proxied.body {
        case .complete(let text):
            return Response(status: status, headers: proxied.headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        case .replay(let chunks):
            let length = proxied.headers[.contentLength].flatMap(Int.init)
            return Response(status: status, headers: proxied.headers, body: ResponseBody(contentLength: length) { writer in
                for chunk in chunks { try await writer.write(chunk) }
                try await writer.finish(nil)
            })
        case .relay(let relay):
            let length = proxied.headers[.contentLength].flatMap(Int.init)
            return Response(status: status, headers: proxied.headers, body: ResponseBody(contentLength: length) { writer in
                switch await relay.run(write: { buffer in try await writer.write(buffer) }) {
                case .complete: try await writer.finish(nil)
                case .abortConnection: throw RelayAborted()
                }
            })
        }
    }
}

/// Thrown from a response body whose upstream broke off: the server then closes the
/// connection, which tells the client the response is incomplete.
struct RelayAborted: Error {}
