import Foundation
import Providers

/// Turns a `POST /api/ingest` body into call records, for tools that report their own usage
/// (in-process SDK wrappers, local models). The body is one call or `{"calls": [...]}`; every
/// item is checked and the batch is accepted whole or not at all. TokenLens prices each call
/// from its own table: a cost the client sends is ignored, never trusted.
public enum IngestDecoder {
    /// A problem with one item (`index` in the batch, 0 for a single call) and, when it is
    /// about one field, which.
    public struct ItemError: Sendable, Equatable {
        public var index: Int
        public var field: String?
        public var message: String
    }

    public enum Outcome: Sendable {
        case calls([CallRecord], ignoredFields: [String])
        case invalid([ItemError])
    }

    /// What the caller knows that the body does not.
    public struct Context: Sendable {
        public var prices: PriceTable
        public var ids: RequestIDGenerator
        public var now: Date
        public var policyVersion: String
        /// `X-TokenLens-Source` of the ingest request: the source of items that name none.
        public var defaultSource: String?

        public init(prices: PriceTable, ids: RequestIDGenerator, now: Date = Date(), policyVersion: String, defaultSource: String? = nil) {
            self.prices = prices
            self.ids = ids
            self.now = now
            self.policyVersion = policyVersion
            self.defaultSource = defaultSource
        }
    }

    public static let maxBatch = 1_000
    static let tokenFields = ["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
                              "cache_write_1h_tokens", "reasoning_tokens"]
    static let knownFields = ["provider", "model", "latency_ms", "ts", "source", "tags", "session_id", "endpoint",
                              "status_code", "stream", "error", "max_output_tokens"] + tokenFields
    /// Accepted for compatibility with tools that send them, and ignored: TokenLens prices calls itself.
    static let ignoredFields = ["cost", "cost_usd", "total_cost", "total_tokens"]
    /// A call may be reported a little ahead of this machine's clock, not more.
    static let clockSkewSeconds: Double = 300

    public static func decode(_ body: JSONValue, context: Context) -> Outcome {
        let items: [JSONValue]
        if let object = body.objectValue, let calls = object["calls"] {
            let extra = object.keys.filter { $0 != "calls" }
            guard extra.isEmpty else {
                return .invalid([ItemError(index: 0, field: extra.first, message: "a batch body holds only `calls`, a list of calls")])
            }
            guard let list = calls.arrayValue else {
                return .invalid([ItemError(index: 0, field: "calls", message: "`calls` must be a list of call objects")])
            }
            guard !list.isEmpty else { return .invalid([ItemError(index: 0, field: "calls", message: "`calls` is empty")]) }
            guard list.count <= maxBatch else {
                return .invalid([ItemError(index: 0, field: "calls", message: "at most \(maxBatch) calls per request; send \(list.count) in several")])
            }
            items = list
        } else if body.objectValue != nil {
            items = [body]
        } else {
            return .invalid([ItemError(index: 0, field: nil, message: "the body must be a call object or {\"calls\": [...]}")])
        }

        var records: [CallRecord] = []
        var errors: [ItemError] = []
        var ignored: Set<String> = []
        for (index, item) in items.enumerated() {
            switch decodeItem(item, index: index, context: context) {
            case .success(let decoded):
                records.append(decoded.record)
                ignored.formUnion(decoded.ignored)
            case .failure(let problems):
                errors += problems.errors
            }
        }
        return errors.isEmpty ? .calls(records, ignoredFields: ignored.sorted()) : .invalid(errors)
    }

    struct Problems: Error {
        var errors: [ItemError]
    }

    static func decodeItem(_ item: JSONValue, index: Int, context: Context) -> Result<(record: CallRecord, ignored: [String]), Problems> {
        guard let object = item.objectValue else {
            return .failure(Problems(errors: [ItemError(index: index, field: nil, message: "each call must be a JSON object")]))
        }
        var errors: [ItemError] = []
        func fail(_ field: String?, _ message: String) { errors.append(ItemError(index: index, field: field, message: message)) }

        var ignored: [String] = []
        for key in object.keys where !knownFields.contains(key) {
            if ignoredFields.contains(key) { ignored.append(key); continue }
            fail(key, "unknown field `\(key)`\(suggestion(for: key)); known fields: \(knownFields.joined(separator: ", "))")
        }

        let provider = requiredName(object, "provider", fail: fail)
        if let provider, !provider.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) || provider.count > 40 {
            fail("provider", "`provider` must be a short name such as openai, anthropic, google or ollama")
        }
        let model = requiredName(object, "model", fail: fail)
        if let model, model.count > 200 { fail("model", "`model` is longer than 200 characters") }

        var usage = Usage()
        var tokens: [String: Int64] = [:]
        for field in tokenFields {
            guard let value = object[field], !value.isNull else { continue }
            guard let count = value.intValue, count >= 0, count <= 1_000_000_000_000 else {
                fail(field, "`\(field)` must be a whole number of tokens, 0 or more")
                continue
            }
            tokens[field] = count
        }
        usage.inputTokens = tokens["input_tokens"] ?? 0
        usage.outputTokens = tokens["output_tokens"] ?? 0
        usage.cacheReadTokens = tokens["cache_read_tokens"] ?? 0
        usage.cacheWriteTokens = tokens["cache_write_tokens"] ?? 0
        usage.cacheWrite1hTokens = tokens["cache_write_1h_tokens"] ?? 0
        usage.reasoningTokens = tokens["reasoning_tokens"] ?? 0
        if usage.reasoningTokens > usage.outputTokens {
            fail("reasoning_tokens", "`reasoning_tokens` (\(usage.reasoningTokens)) exceeds `output_tokens` (\(usage.outputTokens)): output_tokens includes the reasoning tokens")
        }
        if usage.cacheWrite1hTokens > usage.cacheWriteTokens {
            fail("cache_write_1h_tokens", "`cache_write_1h_tokens` exceeds `cache_write_tokens`, which includes them")
        }

        var latency: Double = 0
        if let value = object["latency_ms"], !value.isNull {
            if let number = value.doubleValue, number >= 0, number <= 86_400_000 { latency = number } else {
                fail("latency_ms", "`latency_ms` must be a number of milliseconds, 0 or more")
            }
        }

        var timestamp = context.now
        if let value = object["ts"], !value.isNull {
            if let text = value.stringValue, let date = parseTimestamp(text) {
                if date.timeIntervalSince(context.now) > clockSkewSeconds {
                    fail("ts", "`ts` \(text) is in the future")
                } else {
                    timestamp = date
                }
            } else {
                fail("ts", "`ts` must be an RFC 3339 time such as 2025-01-31T12:00:00Z")
            }
        }

        let source = optionalName(object, "source", limit: 128, fail: fail) ?? context.defaultSource ?? "unknown"
        let session = optionalName(object, "session_id", limit: 128, fail: fail)
        let endpoint = optionalName(object, "endpoint", limit: 64, fail: fail) ?? "ingest"
        let errorMessage = optionalName(object, "error", limit: 2_000, fail: fail)

        var tags: [String: String] = [:]
        if let value = object["tags"], !value.isNull {
            if let members = value.objectValue, members.entries.count <= 32 {
                for (key, tag) in members.entries {
                    guard let text = tag.stringValue ?? tag.intValue.map(String.init) ?? tag.boolValue.map(String.init),
                          let cleanKey = CallAttribution.clean(key), let cleanValue = CallAttribution.clean(text) else {
                        fail("tags", "tag `\(key)` must have a non-empty string value")
                        continue
                    }
                    tags[cleanKey] = cleanValue
                }
            } else {
                fail("tags", "`tags` must be an object of at most 32 string values, such as {\"team\": \"search\"}")
            }
        }

        var status = 200
        if let value = object["status_code"], !value.isNull {
            if let code = value.intValue, (100...599).contains(code) { status = Int(code) } else {
                fail("status_code", "`status_code` must be an HTTP status between 100 and 599")
            }
        }
        var stream = false
        if let value = object["stream"], !value.isNull {
            if let flag = value.boolValue { stream = flag } else { fail("stream", "`stream` must be true or false") }
        }
        var maxOutput: Int64?
        if let value = object["max_output_tokens"], !value.isNull {
            if let count = value.intValue, count > 0 { maxOutput = count } else {
                fail("max_output_tokens", "`max_output_tokens` must be a positive whole number")
            }
        }

        guard errors.isEmpty, let provider, let model else { return .failure(Problems(errors: errors)) }
        let micros = Int64(timestamp.timeIntervalSince1970 * 1_000_000)
        var record = CallRecord(
            id: context.ids.next(now: timestamp), timestampMicros: micros, provider: provider.lowercased(), endpoint: endpoint,
            requestedModel: model, model: model, source: source, tags: tags, stream: stream, statusCode: status,
            outcome: status >= 400 ? .upstreamError : .ok, usage: usage,
            cost: price(usage, model: model, prices: context.prices), latencyMs: latency, overheadMs: 0,
            policyVersion: context.policyVersion, errorMessage: errorMessage)
        record.sessionID = session
        record.maxOutputTokens = maxOutput
        record.ingested = true
        return .success((record, ignored))
    }

    /// The same rule as proxied calls: no tokens cost nothing; a model the table lacks is
    /// unpriced (nil), never $0.
    static func price(_ usage: Usage, model: String, prices: PriceTable) -> CostBreakdown? {
        if usage.totalTokens == 0 { return CostBreakdown() }
        guard let price = prices.price(for: model), price.isPriced else { return nil }
        return CostCalculator.breakdown(of: usage, at: price)
    }

    static func requiredName(_ object: JSONObject, _ field: String, fail: (String?, String) -> Void) -> String? {
        guard let value = object[field], !value.isNull else {
            fail(field, "`\(field)` is required")
            return nil
        }
        guard let text = value.stringValue, let clean = CallAttribution.clean(text) else {
            fail(field, "`\(field)` must be a non-empty string")
            return nil
        }
        return clean
    }

    static func optionalName(_ object: JSONObject, _ field: String, limit: Int, fail: (String?, String) -> Void) -> String? {
        guard let value = object[field], !value.isNull else { return nil }
        guard let text = value.stringValue, !text.trimmed().isEmpty else {
            fail(field, "`\(field)` must be a non-empty string")
            return nil
        }
        guard text.count <= limit else {
            fail(field, "`\(field)` is longer than \(limit) characters")
            return nil
        }
        // Error messages may span lines; names may not.
        return limit > 128 ? text : CallAttribution.clean(text)
    }

    static func suggestion(for key: String) -> String {
        let lower = key.lowercased()
        let near = knownFields.first { field in
            field.replacingOccurrences(of: "_", with: "") == lower.replacingOccurrences(of: "_", with: "")
                || (lower.count > 3 && field.hasPrefix(lower))
        }
        return near.map { " (did you mean `\($0)`?)" } ?? ""
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
