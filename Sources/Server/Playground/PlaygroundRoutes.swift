import AsyncHTTPClient
import Foundation
import Gateway
import Hummingbird
import NIOCore
import Providers

/// The playground's API:
/// - `GET /api/playground/models`: the chat models of the price table with their rates, and
///   which providers have a key in the daemon's environment;
/// - `POST /api/playground/preview`: the estimated cost of a prompt before it runs;
/// - `POST /api/playground/run`: runs it through the daemon's own proxy (loopback HTTP with
///   `X-TokenLens-Source: playground`), so it is checked, routed and recorded like any call,
///   and answers with the model's text and the call's record (tokens, cost, id).
/// API keys come from the body or the daemon's environment; they are only ever forwarded.
struct PlaygroundRoutes {
    let services: AppServices
    let loopback: LoopbackAddress
    static let maxBody = PlaygroundRequest.maxPromptBytes + 65_536
    static let source = "playground"
    /// How long `run` waits for the call's record to be committed.
    static let recordWait: Duration = .seconds(5)

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/playground/models") { _, _ in models() }
        router.post("/api/playground/preview") { request, _ in try await preview(request) }
        router.post("/api/playground/run") { request, _ in try await run(request) }
    }

    // MARK: - Models

    func models() -> Response {
        let snapshot = services.snapshots.snapshot
        var json = JSONText(capacity: 32_000)
        json.beginObject()
        json.key("providers")
        json.beginArray()
        for provider in Provider.allCases {
            json.beginObject()
            json.field("id", provider.rawValue)
            json.field("name", provider.displayName)
            json.field("key_configured", PlaygroundRequest(provider: provider, model: "", messages: [], maxTokens: 1)
                .resolvedKey(environment: services.environment) != nil)
            json.key("environment_keys")
            json.beginArray()
            for name in PlaygroundRequest.environmentKeyNames(for: provider) { json.string(name) }
            json.endArray()
            json.field("max_temperature", double: provider == .anthropic ? 1 : 2)
            json.endObject()
        }
        json.endArray()
        json.key("models")
        json.beginArray()
        for (provider, price) in Self.chatModels(snapshot.prices) {
            let rates = price.standard.base
            json.beginObject()
            json.field("id", price.id)
            json.field("provider", provider.rawValue)
            json.field("input_per_mtok", double: rates.input.map(Self.perMillion))
            json.field("output_per_mtok", double: rates.output.map(Self.perMillion))
            json.field("cache_read_per_mtok", double: rates.cacheRead.map(Self.perMillion))
            json.field("max_output_tokens", price.maxOutputTokens)
            json.field("temperature", PlaygroundRequest.acceptsTemperature(provider: provider, model: price.id))
            json.endObject()
        }
        json.endArray()
        json.field("default_max_tokens", PlaygroundRequest.defaultMaxTokens)
        json.endObject()
        return .json(json.text)
    }

    /// Priced chat models of the three providers, fine-tune bases left out, by provider and id.
    static func chatModels(_ prices: PriceTable) -> [(Provider, ModelPrice)] {
        let byTableName = Dictionary(uniqueKeysWithValues: Provider.allCases.map { ($0.priceTableName, $0) })
        return prices.entries.values.compactMap { price -> (Provider, ModelPrice)? in
            guard price.isPriced, price.mode == nil || price.mode == "chat", !price.id.hasPrefix("ft:"),
                  let provider = byTableName[price.provider] else { return nil }
            return (provider, price)
        }.sorted { ($0.0.rawValue, $0.1.id) < ($1.0.rawValue, $1.1.id) }
    }

    /// Picodollars per token → USD per million tokens.
    static func perMillion(_ picodollars: Int64) -> Double {
        Double(picodollars) / 1e6
    }

    // MARK: - Preview

    func preview(_ request: Request) async throws -> Response {
        let parsed: PlaygroundRequest
        do {
            parsed = try PlaygroundRequest.parse(try await body(of: request), requirePrompt: false)
        } catch {
            return Self.failure(error)
        }
        let estimate = PlaygroundEstimate(parsed, prices: services.snapshots.snapshot.prices)
        var json = JSONText()
        json.beginObject()
        json.field("provider", parsed.provider.rawValue)
        json.field("model", parsed.model)
        json.field("priced", estimate.price != nil)
        json.field("estimated_input_tokens", estimate.inputTokens)
        json.field("max_output_tokens", estimate.maxOutputTokens)
        json.field("input_cost_usd", usd: estimate.inputCostPico)
        json.field("max_output_cost_usd", usd: estimate.maxOutputCostPico)
        json.field("max_total_cost_usd", usd: estimate.totalMaxCostPico)
        json.field("temperature_applies", PlaygroundRequest.acceptsTemperature(provider: parsed.provider, model: parsed.model))
        json.field("method", "about \(PlaygroundEstimate.bytesPerToken) bytes a token, plus \(PlaygroundEstimate.tokensPerMessage) a message")
        json.endObject()
        return .json(json.text)
    }

    // MARK: - Run

    func run(_ request: Request) async throws -> Response {
        let parsed: PlaygroundRequest
        do {
            parsed = try PlaygroundRequest.parse(try await body(of: request))
        } catch {
            return Self.failure(error)
        }
        guard let key = parsed.resolvedKey(environment: services.environment) else {
            let names = PlaygroundRequest.environmentKeyNames(for: parsed.provider).joined(separator: " or ")
            return Self.failure(.invalid(field: "api_key", "no API key for \(parsed.provider.displayName): enter one, or start the daemon with \(names) set"))
        }
        guard let base = loopback.baseURL else {
            return Self.failure(.invalid(field: nil, "the daemon is still starting; try again in a moment"), status: .serviceUnavailable)
        }
        let call = parsed.providerCall(apiKey: key)
        var upstream = HTTPClientRequest(url: "\(base)/proxy/\(parsed.provider.rawValue)\(call.path)")
        upstream.method = .POST
        upstream.headers.add(name: "Content-Type", value: "application/json")
        upstream.headers.add(name: "X-TokenLens-Source", value: Self.source)
        for header in call.headers { upstream.headers.add(name: header.name, value: header.value) }
        upstream.body = .bytes(ByteBuffer(string: JSONWriter.serialize(call.body)))

        let timeout = services.snapshots.snapshot.settings(for: parsed.provider).timeoutSeconds + 30
        let status: Int
        let requestID: String?
        let bytes: ByteBuffer
        do {
            let response = try await HTTPClient.shared.execute(upstream, timeout: .seconds(Int64(timeout)))
            status = Int(response.status.code)
            requestID = response.headers.first(name: "X-TokenLens-Request-Id")
            bytes = try await response.body.collect(upTo: 32 << 20)
        } catch {
            return Self.failure(.invalid(field: nil, "the call through the proxy failed: \(error)"), status: .badGateway)
        }
        let reply = bytes.withUnsafeReadableBytes { try? JSONReader.parse($0) }
        let record = await waitForRecord(id: requestID)

        var json = JSONText(capacity: bytes.readableBytes + 2_000)
        json.beginObject()
        json.field("ok", (200..<300).contains(status))
        json.field("status", status)
        json.field("request_id", requestID)
        json.field("provider", parsed.provider.rawValue)
        json.field("text", reply.flatMap { PlaygroundReply.text(provider: parsed.provider, body: $0) })
        json.field("error", (200..<300).contains(status) ? nil
                   : PlaygroundReply.errorMessage(body: reply) ?? "the provider answered HTTP \(status)")
        json.key("record")
        if let record { CallRecordJSON.write(record, into: &json) } else { json.null() }
        json.endObject()
        return .json(json.text)
    }

    /// The call's record, once the recorder has committed it (it writes in batches).
    func waitForRecord(id: String?) async -> CallRecord? {
        guard let id else { return nil }
        let deadline = ContinuousClock.now + Self.recordWait
        while ContinuousClock.now < deadline, !Task.isCancelled {
            if let record = try? await services.store.record(id: id) { return record }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func body(of request: Request) async throws(PlaygroundError) -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxBody)
        } catch {
            throw .invalid(field: "prompt", "the request is larger than \(Self.maxBody) bytes")
        }
        do {
            return try buffer.withUnsafeReadableBytes { try JSONReader.parse($0) }
        } catch {
            throw .invalid(field: nil, "the body is not valid JSON: \(error)")
        }
    }

    static func failure(_ error: PlaygroundError, status: HTTPResponse.Status = .badRequest) -> Response {
        var json = JSONText()
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.field("message", error.message)
        json.field("field", error.field)
        json.field("status", Int(status.code))
        json.endObject()
        json.endObject()
        return .json(json.text, status: status)
    }
}
