import Providers
import Testing
@testable import Server

/// The playground turns a form into each provider's own request, refuses what cannot run with
/// the field at fault, and estimates the cost from the prompt's size and the price table.
struct PlaygroundRequestTests {
    static func body(_ text: String) throws -> JSONValue {
        try JSONReader.parse(Array(text.utf8))
    }

    static func parse(_ text: String, requirePrompt: Bool = true) throws -> PlaygroundRequest {
        try PlaygroundRequest.parse(try body(text), requirePrompt: requirePrompt)
    }

    static func failure(_ text: String) throws -> PlaygroundError? {
        let json = try body(text)
        do {
            _ = try PlaygroundRequest.parse(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func openAIChatCompletion() throws {
        let request = try Self.parse(#"{"provider":"openai","model":"gpt-4.1-mini","prompt":"Hi","system":"Be brief","temperature":0.3,"max_tokens":64}"#)
        let call = request.providerCall(apiKey: "sk-test")
        #expect(call.path == "/v1/chat/completions")
        #expect(call.headers.map(\.name) == ["Authorization"])
        #expect(JSONWriter.serialize(call.body)
            == #"{"model":"gpt-4.1-mini","messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Hi"}],"max_completion_tokens":64,"temperature":0.3}"#)
    }

    @Test func reasoningModelsRunAtTheirDefaultTemperature() throws {
        let request = try Self.parse(#"{"provider":"openai","model":"gpt-5-mini","prompt":"Hi","temperature":0.3}"#)
        #expect(request.providerCall(apiKey: "k").body["temperature"] == nil)
        #expect(!PlaygroundRequest.acceptsTemperature(provider: .openai, model: "o3-mini"))
        #expect(PlaygroundRequest.acceptsTemperature(provider: .openai, model: "gpt-4o"))
        #expect(PlaygroundRequest.acceptsTemperature(provider: .openai, model: "gpt-5-chat-latest"))
        #expect(PlaygroundRequest.acceptsTemperature(provider: .anthropic, model: "claude-opus-4-6"))
    }

    @Test func anthropicMessages() throws {
        let request = try Self.parse(#"{"provider":"anthropic","model":"claude-haiku-4-5","messages":[{"role":"system","content":"S"},{"role":"user","content":"Q"}],"temperature":1}"#)
        let call = request.providerCall(apiKey: "sk-ant")
        #expect(call.path == "/v1/messages")
        #expect(call.headers.map(\.name) == ["x-api-key", "anthropic-version"])
        #expect(JSONWriter.serialize(call.body)
            == #"{"model":"claude-haiku-4-5","max_tokens":1024,"system":"S","messages":[{"role":"user","content":"Q"}],"temperature":1}"#)
    }

    @Test func geminiGenerateContent() throws {
        let request = try Self.parse(#"{"provider":"gemini","model":"models/gemini-2.5-flash","prompt":"Q","max_tokens":10}"#)
        #expect(request.provider == .google)
        let call = request.providerCall(apiKey: "AIza")
        #expect(call.path == "/v1beta/models/gemini-2.5-flash:generateContent")
        #expect(call.headers.map(\.name) == ["x-goog-api-key"])
        #expect(JSONWriter.serialize(call.body)
            == #"{"contents":[{"role":"user","parts":[{"text":"Q"}]}],"generationConfig":{"maxOutputTokens":10}}"#)
    }

    @Test(arguments: [
        (#"{"provider":"mistral","model":"m","prompt":"q"}"#, "provider"),
        (#"{"provider":"openai","prompt":"q"}"#, "model"),
        (#"{"provider":"openai","model":"gpt-4o","prompt":""}"#, "prompt"),
        (#"{"provider":"openai","model":"gpt-4o","prompt":"q","temperature":2.5}"#, "temperature"),
        (#"{"provider":"anthropic","model":"claude-haiku-4-5","prompt":"q","temperature":1.5}"#, "temperature"),
        (#"{"provider":"openai","model":"gpt-4o","prompt":"q","max_tokens":0}"#, "max_tokens"),
        (#"{"provider":"google","model":"../../v1/x","prompt":"q"}"#, "model"),
        (#"{"provider":"openai","model":"gpt-4o","prompt":"q","stream":true}"#, "stream"),
    ])
    func refusesWhatCannotRun(body: String, field: String) throws {
        #expect(try Self.failure(body)?.field == field)
    }

    @Test func keysComeFromTheBodyElseTheEnvironment() throws {
        let environment = ["OPENAI_API_KEY": "sk-env", "GOOGLE_API_KEY": "g-env"]
        #expect(try Self.parse(#"{"provider":"openai","model":"m","prompt":"q"}"#).resolvedKey(environment: environment) == "sk-env")
        #expect(try Self.parse(#"{"provider":"openai","model":"m","prompt":"q","api_key":" sk-mine "}"#).resolvedKey(environment: environment) == "sk-mine")
        #expect(try Self.parse(#"{"provider":"google","model":"m","prompt":"q"}"#).resolvedKey(environment: environment) == "g-env")
        #expect(try Self.parse(#"{"provider":"anthropic","model":"m","prompt":"q"}"#).resolvedKey(environment: environment) == nil)
    }

    @Test func estimateUsesThePromptSizeAndTheModelsRates() throws {
        let request = try Self.parse(#"{"provider":"openai","model":"gpt-4o-mini","prompt":"\#(String(repeating: "abcd", count: 100))","max_tokens":1000}"#)
        var prices = PriceTable()
        let rates = Rates(input: 150_000, output: 600_000)
        prices.set(ModelPrice(id: "gpt-4o-mini", provider: "openai", standard: .init(base: rates)))
        let estimate = PlaygroundEstimate(request, prices: prices)
        #expect(estimate.inputTokens == 100 + 4 + 3)
        let input: Int64 = 107 * 150_000
        let output: Int64 = 1000 * 600_000
        #expect(estimate.inputCostPico == input)
        #expect(estimate.maxOutputCostPico == output)
        #expect(estimate.totalMaxCostPico == input + output)
        let unknown = try Self.parse(#"{"provider":"openai","model":"no-such-model","prompt":"q"}"#)
        #expect(PlaygroundEstimate(unknown, prices: prices).totalMaxCostPico == nil)
        let blank = try Self.parse(#"{"provider":"openai","model":"gpt-4o-mini"}"#, requirePrompt: false)
        #expect(PlaygroundEstimate(blank, prices: prices).inputTokens == 0)
    }

    @Test func repliesAreReadPerProvider() throws {
        let openai = try Self.body(#"{"choices":[{"message":{"role":"assistant","content":"Hello"}}]}"#)
        #expect(PlaygroundReply.text(provider: .openai, body: openai) == "Hello")
        let anthropic = try Self.body(#"{"content":[{"type":"thinking","thinking":"..."},{"type":"text","text":"Hi"},{"type":"text","text":"!"}]}"#)
        #expect(PlaygroundReply.text(provider: .anthropic, body: anthropic) == "Hi!")
        let gemini = try Self.body(#"{"candidates":[{"content":{"parts":[{"text":"plan","thought":true},{"text":"Yo"}]}}]}"#)
        #expect(PlaygroundReply.text(provider: .google, body: gemini) == "Yo")
        #expect(PlaygroundReply.errorMessage(body: try Self.body(#"{"error":{"message":"bad key"}}"#)) == "bad key")
    }

    @Test func loopbackAddressReachesTheBoundServer() {
        let address = LoopbackAddress(boundHost: "0.0.0.0")
        #expect(address.baseURL == nil)
        address.bound(to: 8420)
        #expect(address.baseURL == "http://127.0.0.1:8420")
        let six = LoopbackAddress(boundHost: "::1")
        six.bound(to: 9)
        #expect(six.baseURL == "http://[::1]:9")
    }
}
