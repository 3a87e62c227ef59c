import HTTPTypes
import NIOCore
import NIOHTTP1
import Providers
import Synchronization

/// Collects one call's request and response bodies for request logging (`[logging] enabled`),
/// each bounded by `[logging] max_body_bytes`, and hands them to the sink once when the call
/// is finished. Redaction happens later, in the recorder, before anything is stored; this
/// type only copies bytes that already pass through the proxy.
final class ExchangeCapture: Sendable {
    private let limit: Int
    private let sink: @Sendable (CapturedExchange) -> Void
    private let state: Mutex<(exchange: CapturedExchange, sent: Bool)>

    init(limit: Int, sink: @escaping @Sendable (CapturedExchange) -> Void, callID: String, timestampMicros: Int64,
         method: String, path: String, query: String?, requestHeaders: HTTPHeaders, requestBody: ByteBuffer) {
        self.limit = max(0, limit)
        self.sink = sink
        let bytes = requestBody.withUnsafeReadableBytes { Array($0.prefix(limit)) }
        let exchange = CapturedExchange(
            callID: callID, timestampMicros: timestampMicros, method: method,
            path: path + (query.map { "?" + $0 } ?? ""),
            requestHeaders: requestHeaders.map { ($0.name.lowercased(), $0.value) },
            requestBody: bytes, requestBytes: requestBody.readableBytes)
        state = Mutex((exchange, false))
    }

    /// The response head, as the provider sent it.
    func response(status: Int, headers: HTTPHeaders) {
        state.withLock { state in
            state.exchange.statusCode = status
            state.exchange.responseHeaders = headers.map { ($0.name.lowercased(), $0.value) }
        }
    }

    /// A response TokenLens wrote itself (a refusal or an upstream failure).
    func response(status: Int, body: String) {
        state.withLock { state in
            state.exchange.statusCode = status
            state.exchange.responseHeaders = [("content-type", "application/json")]
            state.exchange.responseBody = Array(body.utf8.prefix(limit))
            state.exchange.responseBytes = body.utf8.count
        }
    }

    /// Decoded response body bytes as they arrive; past the limit only the size is counted.
    func append(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            let room = limit - state.exchange.responseBody.count
            if room > 0 { state.exchange.responseBody.append(contentsOf: bytes.prefix(room)) }
            state.exchange.responseBytes += bytes.count
        }
    }

    /// Sends the exchange to the sink, once, under the id and status of the finished record.
    func finish(_ record: CallRecord) {
        let exchange = state.withLock { state -> CapturedExchange? in
            guard !state.sent else { return nil }
            state.sent = true
            var exchange = state.exchange
            exchange.callID = record.id
            if exchange.statusCode == 0 { exchange.statusCode = record.statusCode }
            return exchange
        }
        if let exchange { sink(exchange) }
    }
}
