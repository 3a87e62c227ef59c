import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Providers
import Server

/// Talks to a running daemon's API on loopback, for `status`, `top`, `report` and `report --send`.
/// `Authorization: Bearer $TOKENLENS_ADMIN_TOKEN` is sent with changes when the variable is
/// set (needed when the daemon has `[server] admin_token`).
struct DaemonClient {
    /// The daemon could not be reached at all (nothing listens, or it did not answer).
    struct Unreachable: Error, CustomStringConvertible {
        var url: String
        var reason: String
        var description: String { "TokenLens is not running on \(url) (\(reason))" }
    }

    var host: String
    var port: Int
    var timeoutSeconds: Int64 = 30

    var baseURL: String { "http://\(URLHost.bracketed(host)):\(port)" }

    func get(_ path: String) async throws -> (status: Int, body: [UInt8]) {
        try await send("GET", path)
    }

    func post(_ path: String, body: [UInt8] = []) async throws -> (status: Int, body: [UInt8]) {
        try await send("POST", path, body: body)
    }

    func send(_ method: String, _ path: String, body: [UInt8] = []) async throws -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .RAW(value: method)
        request.headers.add(name: "User-Agent", value: "tokenlens-cli")
        if method != "GET" {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            if let token = ProcessInfo.processInfo.environment["TOKENLENS_ADMIN_TOKEN"], !token.isEmpty {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeoutSeconds))
        } catch {
            throw Unreachable(url: baseURL, reason: Self.describe(error))
        }
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), Array(buffer: bytes))
    }

    /// The JSON of a 2xx answer, or an error naming the status and the daemon's message.
    func json(_ path: String) async throws -> JSONValue {
        let (status, body) = try await get(path)
        guard (200..<300).contains(status) else { throw CLIError(Self.errorMessage(status: status, body: body, path: path)) }
        do {
            return try JSONReader.parse(body)
        } catch {
            throw CLIError("\(path): the daemon's answer is not JSON (\(error))")
        }
    }

    static func errorMessage(status: Int, body: [UInt8], path: String) -> String {
        let message = (try? JSONReader.parse(body))?["error"]?["message"]?.stringValue
        return "\(path) answered \(status)" + (message.map { ": \($0)" } ?? "")
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return "connection refused"
        }
        if text.contains("Timeout") || text.contains("timeout") || text.contains("deadline") { return "no answer in time" }
        return text.count > 200 ? String(text.prefix(200)) : text
    }
}

/// A failure the user can act on, printed as `tokenlens: <message>`.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
