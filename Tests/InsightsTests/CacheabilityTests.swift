import Insights
import Providers
import Testing

/// The cacheability analysis on traces built for each finding.
struct CacheabilityTests {
    static let longSystem = String(repeating: "You are a careful assistant for the ACME codebase. Follow the style guide. ", count: 80)

    static func trace(_ json: String) throws -> PromptTrace {
        try PromptTrace.parse(Array(json.utf8))
    }

    static func chat(system: String, messages: [(String, String)]) -> String {
        let items = [(("system", system))] + messages
        return "{\"model\":\"gpt-4o\",\"messages\":[" + items.map { "{\"role\":\(JSONWriter.quoted($0.0)),\"content\":\(JSONWriter.quoted($0.1))}" }
            .joined(separator: ",") + "]}"
    }

    @Test func aStableLongPrefixScoresHigh() throws {
        let report = CacheabilityAnalyzer.analyze(try Self.trace(Self.chat(system: Self.longSystem, messages: [("user", "Fix the bug in parser.swift")])))
        #expect(report.provider == "openai")
        #expect(report.requests == 1 && report.messages == 2)
        #expect(report.systemTokens > 1_024)
        #expect(report.cacheableTokens == report.stablePrefixTokens)
        #expect(report.score >= 95)
        #expect(!report.findings.contains { $0.id == "volatile-prefix" || $0.id == "prefix-too-short" })
    }

    @Test func aTimestampInTheSystemPromptBreaksTheCache() throws {
        let system = "Session started 2025-02-02T12:00:00Z. " + Self.longSystem
        let report = CacheabilityAnalyzer.analyze(try Self.trace(Self.chat(system: system, messages: [("user", "hello")])))
        let finding = try #require(report.findings.first { $0.id == "volatile-prefix" })
        #expect(finding.title.contains("timestamp"))
        #expect(report.cacheableTokens == 0) // below the provider minimum once cut at the timestamp
        #expect(report.score == 0)
        // One finding says it all: no separate "prefix too short" for what the timestamp cut off.
        #expect(!report.findings.contains { $0.id == "prefix-too-short" })
        #expect(finding.detail.contains("below the ~1,024-token minimum"))
        // Moved to the end, the prefix is cacheable again.
        let fixed = CacheabilityAnalyzer.analyze(try Self.trace(Self.chat(system: Self.longSystem, messages: [("user", "hello (2025-02-02T12:00:00Z)")])))
        #expect(fixed.score >= 95)
    }

    @Test func shortPromptsCannotBeCached() throws {
        let report = CacheabilityAnalyzer.analyze(try Self.trace(#"[{"role":"system","content":"Be brief and precise in every answer you give to the user."},{"role":"user","content":"hi"}]"#),
                                                  options: .init(minTokens: 5))
        #expect(report.score == 0)
        #expect(report.findings.contains { $0.id == "prefix-too-short" })
        #expect(CacheabilityAnalyzer.analyze(try Self.trace(#"[{"role":"user","content":"hi"}]"#)).findings.isEmpty)
    }

    @Test func anthropicWithoutCacheControl() throws {
        let body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"system\":\(JSONWriter.quoted(Self.longSystem)),\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
        let report = CacheabilityAnalyzer.analyze(try Self.trace(body))
        #expect(report.provider == "anthropic")
        #expect(report.findings.contains { $0.id == "no-cache-control" })
        let marked = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"system\":[{\"type\":\"text\",\"text\":\(JSONWriter.quoted(Self.longSystem)),\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
        #expect(!CacheabilityAnalyzer.analyze(try Self.trace(marked)).findings.contains { $0.id == "no-cache-control" })
    }

    @Test func wasteFindingsRespectMinTokens() throws {
        let doc = String(repeating: "The quarterly report lists revenue by region and product line. ", count: 20)
        let body = Self.chat(system: "Answer.", messages: [("user", doc), ("assistant", "ok"), ("user", doc + String(repeating: " ", count: 400) + "Summarise.")])
        let report = CacheabilityAnalyzer.analyze(try Self.trace(body), options: .init(minTokens: 50))
        #expect(report.findings.contains { $0.id == "whitespace-bloat" })
        #expect(report.findings.contains { $0.id == "history-bloat" } || report.historyTokens * 10 <= report.totalTokens * 6)
        let quiet = CacheabilityAnalyzer.analyze(try Self.trace(body), options: .init(minTokens: 100_000))
        #expect(!quiet.findings.contains { $0.id == "whitespace-bloat" })
        let duplicated = Self.chat(system: "Answer.", messages: [("user", doc), ("assistant", "ok"), ("user", doc)])
        #expect(CacheabilityAnalyzer.analyze(try Self.trace(duplicated)).findings.contains { $0.id == "duplicate-content" })
    }

    @Test func traceOfTurnsFindsReuseAndCacheBreaks() throws {
        let turn1 = Self.chat(system: Self.longSystem, messages: [("user", "step one")])
        let turn2 = Self.chat(system: Self.longSystem, messages: [("user", "step one"), ("assistant", "done"), ("user", "step two")])
        let good = CacheabilityAnalyzer.analyze(try Self.trace(turn1 + "\n" + turn2 + "\n"))
        #expect(good.requests == 2)
        #expect(good.cacheBreaks.isEmpty)
        #expect((good.reusedPrefixTokens ?? 0) > 1_000)
        #expect(good.score > 90)

        let edited = Self.chat(system: "Session 7. " + Self.longSystem, messages: [("user", "step one"), ("assistant", "done"), ("user", "step two")])
        let broken = CacheabilityAnalyzer.analyze(try Self.trace("{\"requests\":[\(turn1),\(edited)]}"))
        #expect(broken.cacheBreaks.first?.request == 2)
        #expect(broken.cacheBreaks.first?.section == "system")
        #expect(broken.findings.contains { $0.id == "cache-break" })
        #expect(broken.score < 10)
    }

    @Test func unreadableTraces() {
        #expect(throws: PromptTrace.ParseError.empty) { try PromptTrace.parse(Array("  \n".utf8)) }
        #expect(throws: (any Error).self) { try PromptTrace.parse(Array("{nope".utf8)) }
        #expect(throws: (any Error).self) { try PromptTrace.parse(Array(#"{"foo": 1}"#.utf8)) }
    }

    @Test func geminiAndResponsesShapesAreRecognised() throws {
        let gemini = try Self.trace(#"{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"systemInstruction":{"parts":[{"text":"be kind"}]}}"#)
        #expect(gemini.requests.first?.provider == .google)
        let responses = try Self.trace(#"{"model":"gpt-4o","instructions":"be kind","input":"hi"}"#)
        #expect(responses.requests.first?.endpoint == .responses)
        #expect(CacheabilityAnalyzer.analyze(responses).systemTokens > 0)
    }
}
