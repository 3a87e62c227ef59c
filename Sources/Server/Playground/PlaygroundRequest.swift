import Foundation
import Providers

/// A prompt from the dashboard's playground, checked: which provider and model, the messages,
/// the sampling settings, and the API key to use (the caller's, else the daemon's
/// environment). It knows how to become that provider's own request, which the playground then
/// sends through the daemon's proxy like any other client would.
struct PlaygroundRequest: Sendable, Equatable {
    enum Role: String, Sendable {
        case user
        case assistant
    }

    struct Message: Sendable, Equatable {
        var role: Role
        var text: String
    }

    var provider: Provider
    var model: String
    var system: String?
    var messages: [Message]
    /// nil: the provider's default.
    var temperature: Double?
    var maxTokens: Int
    /// The caller's key; never stored, logged or echoed.
    var apiKey: String?

    static let defaultMaxTokens = 1024
    static let maxTokensLimit = 1_000_000
    static let maxPromptBytes = 4 << 20

    /// Parses the JSON body of `/api/playground/run` and `/preview`:
    /// `{"provider","model","prompt"|"messages":[{"role","content"}],"system"?,"temperature"?,
    /// "max_tokens"?,"api_key"?}`. A preview may have no prompt yet.
    static func parse(_ body: JSONValue, requirePrompt: Bool = true) throws(PlaygroundError) -> PlaygroundRequest {
        guard let object = body.objectValue else { throw .invalid(field: nil, "the body must be a JSON object") }
        let known: Set = ["provider", "model", "prompt", "messages", "system", "temperature", "max_tokens", "api_key"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw .invalid(field: unknown, "unknown field `\(unknown)`; expected \(known.sorted().joined(separator: ", "))")
        }
        let provider = try parseProvider(object["provider"])
        let model = try parseModel(object["model"], provider: provider)
        var system = try optionalString(object["system"], field: "system")
        var messages: [Message] = []
        if let prompt = try optionalString(object["prompt"], field: "prompt"), !prompt.isEmpty {
            messages.append(Message(role: .user, text: prompt))
        }
        if let list = object["messages"], !list.isNull {
            guard let elements = list.arrayValue else { throw .invalid(field: "messages", "`messages` must be an array") }
            for (index, element) in elements.enumerated() {
                let field = "messages[\(index)]"
                guard let role = element["role"]?.stringValue, let text = element["content"]?.stringValue else {
                    throw .invalid(field: field, "`\(field)` must be {\"role\": \"user\"|\"assistant\"|\"system\", \"content\": \"text\"}")
                }
                if role == "system" {
                    system = [system, text].compactMap { $0 }.joined(separator: "\n\n")
                } else if let role = Role(rawValue: role) {
                    messages.append(Message(role: role, text: text))
                } else {
                    throw .invalid(field: "\(field).role", "`\(field).role` must be user, assistant or system, not \(role)")
                }
            }
        }
        if requirePrompt {
            guard messages.contains(where: { !$0.text.isEmpty }) else { throw .invalid(field: "prompt", "write a prompt first") }
            guard messages.last?.role == .user else {
                throw .invalid(field: "messages", "the last message must be the user's")
            }
        }
        let size = messages.reduce(system?.utf8.count ?? 0) { $0 + $1.text.utf8.count }
        guard size <= maxPromptBytes else { throw .invalid(field: "prompt", "the prompt is larger than \(maxPromptBytes) bytes") }
        let temperature = try parseTemperature(object["temperature"], provider: provider)
        let maxTokens = try parseMaxTokens(object["max_tokens"])
        let apiKey = try optionalString(object["api_key"], field: "api_key").flatMap { key -> String? in
            let trimmed = key.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        if let apiKey, apiKey.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw .invalid(field: "api_key", "the API key must be one line")
        }
        return PlaygroundRequest(provider: provider, model: model, system: system?.isEmpty == true ? nil : system,
                                 messages: messages, temperature: temperature, maxTokens: maxTokens, apiKey: apiKey)
    }

    private static func parseProvider(_ value: JSONValue?) throws(PlaygroundError) -> Provider {
        guard let name = value?.stringValue else {
            throw .invalid(field: "provider", "choose a provider: openai, anthropic or google")
        }
        if name == "gemini" { return .google }
        guard let provider = Provider(rawValue: name) else {
            throw .invalid(field: "provider", "unknown provider \(name): use openai, anthropic or google")
        }
        return provider
    }

    private static func parseModel(_ value: JSONValue?, provider: Provider) throws(PlaygroundError) -> String {
        guard var model = value?.stringValue?.trimmingCharacters(in: .whitespaces), !model.isEmpty else {
            throw .invalid(field: "model", "choose a model")
        }
        if provider == .google, model.hasPrefix("models/") { model.removeFirst("models/".count) }
        // The model becomes part of a URL path for Gemini: keep to the characters model ids use.
        let allowed = provider == .google ? "._-@" : "._-@:/"
        guard model.count <= 200, model.unicodeScalars.allSatisfy({
            ($0.isASCII && ($0.properties.isAlphabetic || (48...57).contains($0.value))) || allowed.unicodeScalars.contains($0)
        }) else {
            throw .invalid(field: "model", "`\(model)` is not a model id (letters, digits and \(allowed) only)")
        }
        return model
    }

    private static func parseTemperature(_ value: JSONValue?, provider: Provider) throws(PlaygroundError) -> Double? {
        guard let value, !value.isNull else { return nil }
        guard let temperature = value.doubleValue, temperature.isFinite else {
            throw .invalid(field: "temperature", "`temperature` must be a number")
        }
        let upper = provider == .anthropic ? 1.0 : 2.0
        guard (0...upper).contains(temperature) else {
            throw .invalid(field: "temperature", "\(provider.displayName) accepts a temperature from 0 to \(upper == 1 ? "1" : "2")")
        }
        return temperature
    }

    private static func parseMaxTokens(_ value: JSONValue?) throws(PlaygroundError) -> Int {
        guard let value, !value.isNull else { return defaultMaxTokens }
        guard let tokens = value.intValue, (1...Int64(maxTokensLimit)).contains(tokens) else {
            throw .invalid(field: "max_tokens", "`max_tokens` must be a whole number from 1 to \(maxTokensLimit)")
        }
        return Int(tokens)
    }

    private static func optionalString(_ value: JSONValue?, field: String) throws(PlaygroundError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else { throw .invalid(field: field, "`\(field)` must be a string") }
        return text
    }

    // MARK: - The provider's request

    /// What the playground sends to `/proxy/<provider><path>`.
    struct ProviderCall: Sendable {
        var path: String
        var headers: [(name: String, value: String)]
        var body: JSONValue
    }

    /// Whether the model takes a temperature: OpenAI's reasoning models (o-series, GPT-5)
    /// refuse any value but their default, so the playground leaves it out for them.
    static func acceptsTemperature(provider: Provider, model: String) -> Bool {
        guard provider == .openai else { return true }
        let id = model.lowercased()
        if id.hasPrefix("gpt-5") { return id.contains("chat") }
        let reasoning = ["o1", "o3", "o4"].contains { id == $0 || id.hasPrefix($0 + "-") }
        return !reasoning
    }

    func providerCall(apiKey: String) -> ProviderCall {
        let temperature = Self.acceptsTemperature(provider: provider, model: model) ? self.temperature : nil
        switch provider {
        case .openai:
            var messages: [JSONValue] = []
            if let system { messages.append(Self.object(["role": .string("system"), "content": .string(system)])) }
            messages += self.messages.map { Self.object(["role": .string($0.role.rawValue), "content": .string($0.text)]) }
            var body: [(String, JSONValue)] = [("model", .string(model)), ("messages", .array(messages)),
                                               ("max_completion_tokens", .int(Int64(maxTokens)))]
            if let temperature { body.append(("temperature", .double(temperature))) }
            return ProviderCall(path: "/v1/chat/completions", headers: [("Authorization", "Bearer \(apiKey)")],
                                body: Self.object(body))
        case .anthropic:
            var body: [(String, JSONValue)] = [("model", .string(model)), ("max_tokens", .int(Int64(maxTokens)))]
            if let system { body.append(("system", .string(system))) }
            body.append(("messages", .array(messages.map {
                Self.object(["role": .string($0.role.rawValue), "content": .string($0.text)])
            })))
            if let temperature { body.append(("temperature", .double(temperature))) }
            return ProviderCall(path: "/v1/messages", headers: [("x-api-key", apiKey), ("anthropic-version", "2023-06-01")],
                                body: Self.object(body))
        case .google:
            var body: [(String, JSONValue)] = [("contents", .array(messages.map { message in
                Self.object(["role": .string(message.role == .user ? "user" : "model"),
                             "parts": .array([Self.object(["text": .string(message.text)])])])
            }))]
            if let system {
                body.append(("systemInstruction", Self.object(["parts": .array([Self.object(["text": .string(system)])])])))
            }
            var generation: [(String, JSONValue)] = [("maxOutputTokens", .int(Int64(maxTokens)))]
            if let temperature { generation.append(("temperature", .double(temperature))) }
            body.append(("generationConfig", Self.object(generation)))
            return ProviderCall(path: "/v1beta/models/\(model):generateContent", headers: [("x-goog-api-key", apiKey)],
                                body: Self.object(body))
        }
    }

    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members.map { (key: $0.0, value: $0.1) }))
    }

    static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(JSONObject(members.map { (key: $0.key, value: $0.value) }))
    }

    /// The environment variable the daemon falls back to for a provider's key.
    static func environmentKeyNames(for provider: Provider) -> [String] {
        switch provider {
        case .openai: ["OPENAI_API_KEY"]
        case .anthropic: ["ANTHROPIC_API_KEY"]
        case .google: ["GEMINI_API_KEY", "GOOGLE_API_KEY"]
        }
    }

    /// The key to send: the caller's, else the first non-empty variable of the environment.
    func resolvedKey(environment: [String: String]) -> String? {
        apiKey ?? Self.environmentKeyNames(for: provider).lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
    }
}
