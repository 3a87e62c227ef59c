import HTTPTypes
import Hummingbird

/// Lets the dashboard ask for endpoints this daemon may not have (analysis endpoints arrive
/// in later versions) without an HTTP error: a GET marked `X-TokenLens-Optional: 1` whose path
/// no route matches gets `204 No Content` with `X-TokenLens-Unavailable`, which the page shows
/// as "not available" and the browser does not log as a failed request. Unmarked requests, and
/// routes that exist but answer 404 themselves, are untouched.
struct OptionalEndpointMiddleware<Context: RequestContext>: RouterMiddleware {
    static var requestHeader: HTTPField.Name { HTTPField.Name("X-TokenLens-Optional")! }
    static var responseHeader: HTTPField.Name { HTTPField.Name("X-TokenLens-Unavailable")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, request.headers[Self.requestHeader] == "1" else {
            return try await next(request, context)
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            var headers = HTTPFields()
            headers[Self.responseHeader] = "no such endpoint in this version of the daemon"
            headers[.cacheControl] = "no-store"
            return Response(status: .noContent, headers: headers)
        }
    }
}
