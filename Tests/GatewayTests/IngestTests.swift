import Foundation
import Gateway
import Providers
import Testing

/// `POST /api/ingest` bodies: validated whole, priced from the table, never from the client.
struct IngestTests {
    static let now = Date(timeIntervalSince1970: 1_738_497_600)

    static func decode(_ json: String) -> IngestDecoder.Outcome {
        let body = (try? JSONReader.parse(Array(json.utf8))) ?? .null
        return IngestDecoder.decode(body, context: .init(prices: .shipped, ids: RequestIDGenerator(), now: now,
                                                         policyVersion: "v1", defaultSource: "sdk-wrapper"))
    }

    static func calls(_ outcome: IngestDecoder.Outcome) -> [CallRecord] {
        if case .calls(let records, _) = outcome { return records }
        return []
    }

    static func errors(_ outcome: IngestDecoder.Outcome) -> [IngestDecoder.ItemError] {
        if case .invalid(let errors) = outcome { return errors }
        return []
    }

    @Test func oneCallIsPricedFromTheTableAndMarkedIngested() throws {
        let outcome = Self.decode(#"""
            {"provider": "openai", "model": "gpt-4o", "input_tokens": 1000, "output_tokens": 200, "cache_read_tokens": 500,
             "latency_ms": 850.5, "ts": "2025-02-01T10:00:00Z", "source": "my-tool", "tags": {"team": "search", "n": 3},
             "session_id": "s-1", "cost_usd": 999.0}
            """#)
        let record = try #require(Self.calls(outcome).first)
        #expect(record.ingested)
        #expect(record.provider == "openai" && record.model == "gpt-4o" && record.requestedModel == "gpt-4o")
        #expect(record.source == "my-tool")
        #expect(record.tags == ["team": "search", "n": "3"])
        #expect(record.sessionID == "s-1")
        #expect(record.latencyMs == 850.5)
        #expect(record.timestampMicros == 1_738_404_000_000_000)
        #expect(record.outcome == .ok && record.statusCode == 200)
        let price = try #require(PriceTable.shipped.price(for: "gpt-4o"))
        let usage = Usage(inputTokens: 1000, outputTokens: 200, cacheReadTokens: 500)
        #expect(record.cost == CostCalculator.breakdown(of: usage, at: price))
        #expect(record.costUSD != 999.0)
        if case .calls(_, let ignored) = outcome { #expect(ignored == ["cost_usd"]) }
    }

    @Test func unknownModelsAreUnpricedNotFree() throws {
        let record = try #require(Self.calls(Self.decode(#"{"provider":"ollama","model":"llama3.2:3b","input_tokens":10,"output_tokens":5}"#)).first)
        #expect(record.cost == nil)
        #expect(!record.priced)
        #expect(record.source == "sdk-wrapper")
        #expect(record.timestampMicros == Int64(Self.now.timeIntervalSince1970 * 1_000_000))
    }

    @Test func aBatchIsAllOrNothingWithEveryProblemListed() {
        let outcome = Self.decode(#"""
            {"calls": [
              {"provider": "anthropic", "model": "claude-sonnet-4-5", "input_tokens": 10},
              {"provider": "openai", "input_tokens": -1, "output_tokens": 5, "reasoning_tokens": 9},
              {"provider": "openai", "model": "gpt-4o", "ts": "yesterday", "colour": "red"},
              "not an object"
            ]}
            """#)
        #expect(Self.calls(outcome).isEmpty)
        let errors = Self.errors(outcome)
        #expect(Set(errors.map(\.index)) == [1, 2, 3])
        #expect(errors.contains { $0.index == 1 && $0.field == "model" })
        #expect(errors.contains { $0.index == 1 && $0.field == "input_tokens" })
        #expect(errors.contains { $0.index == 1 && $0.field == "reasoning_tokens" })
        #expect(errors.contains { $0.index == 2 && $0.field == "ts" })
        #expect(errors.contains { $0.index == 2 && $0.field == "colour" && $0.message.contains("unknown field") })
    }

    @Test func aValidBatchBecomesOneRecordPerCall() {
        let records = Self.calls(Self.decode(#"{"calls":[{"provider":"openai","model":"gpt-4o"},{"provider":"google","model":"gemini-2.5-flash","output_tokens":3,"status_code":500,"error":"boom"}]}"#))
        #expect(records.count == 2)
        #expect(Set(records.map(\.id)).count == 2)
        #expect(records[0].cost == CostBreakdown())
        #expect(records[1].outcome == .upstreamError && records[1].errorMessage == "boom")
    }

    @Test func shapesThatAreNotCalls() {
        #expect(Self.errors(Self.decode("[1,2]")).count == 1)
        #expect(Self.errors(Self.decode(#"{"calls": []}"#)).first?.field == "calls")
        #expect(Self.errors(Self.decode(#"{"calls": {}}"#)).first?.field == "calls")
        #expect(Self.errors(Self.decode(#"{"calls": [], "x": 1}"#)).first?.field == "x")
        #expect(Self.errors(Self.decode(#"{"provider":"openai","model":"gpt-4o","ts":"2099-01-01T00:00:00Z"}"#)).first?.field == "ts")
        let many = "{\"calls\":[" + Array(repeating: #"{"provider":"openai","model":"m"}"#, count: 1001).joined(separator: ",") + "]}"
        #expect(Self.errors(Self.decode(many)).first?.message.contains("at most 1000") == true)
    }
}
