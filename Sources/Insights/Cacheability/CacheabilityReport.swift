import Providers

/// What `CacheabilityAnalyzer` found in a prompt trace: how much of the prompt is a stable
/// prefix a provider's prompt cache can serve, a 0–100 score, and findings with suggestions.
/// Token counts are estimates (`TokenEstimate`).
public struct CacheabilityReport: Sendable, Equatable {
    /// One thing worth changing, with the tokens it concerns.
    public struct Finding: Sendable, Equatable {
        public enum Severity: String, Sendable { case warning, info }

        public var id: String
        public var severity: Severity
        public var title: String
        public var detail: String
        public var suggestion: String
        public var tokens: Int
        /// The request of the trace it is about (1-based), when it is about one.
        public var request: Int?
    }

    /// Where a trace's cached prefix broke between two consecutive requests.
    public struct CacheBreak: Sendable, Equatable {
        public var request: Int
        public var section: String
        public var reusedTokens: Int
    }

    public var score: Int
    public var provider: String
    public var endpoint: String
    public var requests: Int
    public var messages: Int
    public var totalTokens: Int
    public var toolTokens: Int
    public var systemTokens: Int
    public var historyTokens: Int
    public var queryTokens: Int
    /// Tools, system prompt and history of the last request: what the next turn can reuse.
    public var stablePrefixTokens: Int
    /// The stable prefix up to the first volatile text, or zero below the provider minimum.
    public var cacheableTokens: Int
    public var minimumCacheableTokens: Int
    /// For traces of several requests: tokens each request shared with the one before.
    public var reusedPrefixTokens: Int?
    public var reusablePromptTokens: Int?
    public var cacheBreaks: [CacheBreak]
    public var findings: [Finding]

    public var cacheableShare: Double { totalTokens == 0 ? 0 : Double(cacheableTokens) / Double(totalTokens) }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("score", .int(Int64(score))),
            ("provider", .string(provider)),
            ("endpoint", .string(endpoint)),
            ("requests", .int(Int64(requests))),
            ("messages", .int(Int64(messages))),
            ("estimated", .bool(true)),
            ("tokens", .object(JSONObject([
                ("total", .int(Int64(totalTokens))), ("tools", .int(Int64(toolTokens))),
                ("system", .int(Int64(systemTokens))), ("history", .int(Int64(historyTokens))),
                ("query", .int(Int64(queryTokens))),
            ]))),
            ("stable_prefix_tokens", .int(Int64(stablePrefixTokens))),
            ("cacheable_tokens", .int(Int64(cacheableTokens))),
            ("cacheable_share", .double((cacheableShare * 10_000).rounded() / 10_000)),
            ("minimum_cacheable_tokens", .int(Int64(minimumCacheableTokens))),
        ]
        if let reused = reusedPrefixTokens, let reusable = reusablePromptTokens {
            members.append(("trace", .object(JSONObject([
                ("reused_prefix_tokens", .int(Int64(reused))),
                ("prompt_tokens_after_first", .int(Int64(reusable))),
                ("reused_share", .double(reusable == 0 ? 0 : (Double(reused) / Double(reusable) * 10_000).rounded() / 10_000)),
                ("cache_breaks", .array(cacheBreaks.map { item in
                    .object(JSONObject([("request", .int(Int64(item.request))), ("section", .string(item.section)),
                                        ("reused_tokens", .int(Int64(item.reusedTokens)))]))
                })),
            ]))))
        }
        members.append(("findings", .array(findings.map { finding in
            .object(JSONObject([
                ("id", .string(finding.id)), ("severity", .string(finding.severity.rawValue)),
                ("title", .string(finding.title)), ("detail", .string(finding.detail)),
                ("suggestion", .string(finding.suggestion)), ("tokens", .int(Int64(finding.tokens))),
                ("request", finding.request.map { .int(Int64($0)) } ?? .null),
            ]))
        })))
        return .object(JSONObject(members.map { (key: $0.0, value: $0.1) }))
    }
}
