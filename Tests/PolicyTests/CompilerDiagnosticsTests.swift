import Foundation
@testable import Policy
import Providers
import Testing

/// Each diagnostic of the compiler, asserted by file, line, column and code.
struct CompilerDiagnosticsTests {
    static func compile(_ policies: [String: String], config: String = "") -> PolicyCompiler.Result {
        let files = policies.sorted { $0.key < $1.key }.map { PolicySources.File(path: "policies/\($0.key)", bytes: Array($0.value.utf8)) }
        let sources = PolicySources(config: PolicySources.File(path: "config.toml", bytes: Array(config.utf8)),
                                    policies: files, policyDirectory: "policies")
        return PolicyCompiler.compile(sources, environment: ["HOME": "/tmp/tokenlens-policy-tests"])
    }

    static func finding(_ result: PolicyCompiler.Result, _ code: String) -> Diagnostic? {
        result.diagnostics.first { $0.code == code }
    }

    func expect(_ result: PolicyCompiler.Result, _ code: String, file: String, line: Int, column: Int,
                severity: Diagnostic.Severity = .error, containing text: String? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) {
        let found = result.diagnostics.first { $0.code == code && $0.file == file && $0.line == line }
        #expect(found != nil, "no \(code) at \(file):\(line) in \(result.diagnostics.map(\.formatted))", sourceLocation: sourceLocation)
        guard let found else { return }
        #expect(found.column == column, "column of \(found.formatted)", sourceLocation: sourceLocation)
        #expect(found.severity == severity, sourceLocation: sourceLocation)
        if let text { #expect(found.message.contains(text), "\(found.message)", sourceLocation: sourceLocation) }
    }

    @Test func cleanDefaultsCompileAndEnforceNothing() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("policies")
        let sources = try PolicySources.loadPolicyFolder(folder.path)
        #expect(sources.policies.count == 3)
        let result = PolicyCompiler.compile(sources)
        #expect(result.diagnostics == [])
        #expect(result.snapshot?.rules.isEmpty == true)
    }

    @Test func syntaxErrorWithPosition() {
        let result = Self.compile(["quotas.toml": "kill_switches = [\"a\"\nx = 1\n"])
        #expect(result.snapshot == nil)
        #expect(result.diagnostics.first?.code == "syntax")
        #expect(result.diagnostics.first?.file == "policies/quotas.toml")
    }

    @Test func unknownKeyWithSuggestion() {
        let result = Self.compile(["quotas.toml": "[[source_limits]]\nsource = \"a\"\n  daly_usd = 5\n"])
        expect(result, "unknown-key", file: "policies/quotas.toml", line: 3, column: 3, containing: "did you mean `daily_usd`")
        let config = Self.compile([:], config: "[sever]\nport = 1\n")
        expect(config, "unknown-key", file: "config.toml", line: 1, column: 2, containing: "did you mean `server`")
    }

    @Test func wrongType() {
        let result = Self.compile(["quotas.toml": "[[model_limits]]\nmodel = \"gpt-4o\"\ndaily_calls = \"100\"\n"])
        expect(result, "wrong-type", file: "policies/quotas.toml", line: 3, column: 15, containing: "must be an integer, not a string")
    }

    @Test func ruleDefinedTwiceAcrossFilesNamesBothPlaces() {
        let result = Self.compile([
            "a.toml": "[[source_limits]]\nsource = \"bot\"\ndaily_usd = 1\n",
            "b.toml": "\n\n[[source_limits]]\nsource = \"bot\"\nmonthly_usd = 9\n",
        ])
        expect(result, "duplicate-rule", file: "policies/b.toml", line: 3, column: 3,
               containing: "defined twice: here and at policies/a.toml:1:3")
    }

    @Test func aliasCycle() {
        let result = Self.compile(["routing.toml": """
            [[aliases]]
            from = "fast"
            to = "gpt-4.1-mini"
            [[aliases]]
            from = "gpt-4.1-mini"
            to = "cheap"
            [[aliases]]
            from = "cheap"
            to = "fast"
            """])
        #expect(result.snapshot == nil)
        let cycle = Self.finding(result, "alias-cycle")
        #expect(cycle?.message.contains("\"fast\" → \"gpt-4.1-mini\" → \"cheap\" → \"fast\"") == true, "\(String(describing: cycle))")
        #expect(result.diagnostics.filter { $0.code == "alias-cycle" }.count == 1)
    }

    @Test func aliasChainsResolveToTheirEnd() throws {
        let result = Self.compile(["routing.toml": """
            [[aliases]]
            from = "smart"
            to = "gpt-4.1"
            [[aliases]]
            from = "gpt-4"
            to = "smart"
            """])
        let snapshot = try #require(result.snapshot)
        #expect(snapshot.rules.aliases["gpt-4"]?.target == "gpt-4.1")
        #expect(snapshot.rules.aliases["gpt-4"]?.chain.map(\.from) == ["gpt-4", "smart"])
    }

    @Test func fallbackChainReachingItsTrigger() {
        let result = Self.compile(["routing.toml": """
            [[aliases]]
            from = "opus"
            to = "claude-opus-4-6"

            [[fallback_chains]]
            trigger_model = "claude-opus-4-6"
            fallbacks = ["claude-sonnet-4-6", "opus"]
            """])
        expect(result, "fallback-loop", file: "policies/routing.toml", line: 5, column: 3, containing: "through \"opus\"")
    }

    @Test func weightsNegativeOrSummingToZero() {
        let negative = Self.compile(["routing.toml": """
            [[weights]]
            source = "agent"
            [[weights.rules]]
            model = "gpt-4o"
            weight = -5
            """])
        expect(negative, "negative-weight", file: "policies/routing.toml", line: 5, column: 10)
        let zero = Self.compile(["routing.toml": """
            [[weights]]
            source = "agent"
            [[weights.rules]]
            model = "gpt-4o"
            weight = 0
            [[weights.rules]]
            model = "gpt-4o-mini"
            weight = 0.0
            """])
        #expect(Self.finding(zero, "zero-weights") != nil)
        #expect(zero.snapshot == nil)
    }

    @Test func regexRejectedByPCRE2PointsAtTheColumn() {
        // The error is at offset 7 of the pattern (after `abc(def`); the literal string's
        // content starts at column 12, so PCRE2's offset maps to column 19.
        let literal = Self.compile(["guardrails.toml": "[[custom_rules]]\nname = \"x\"\npattern = 'abc(def'\n"])
        expect(literal, "invalid-regex", file: "policies/guardrails.toml", line: 3, column: 19, containing: "missing closing parenthesis")
        // In a basic string, escapes shift the columns: `\\` is two characters in the file for one
        // in the pattern, so the end of the 6-byte pattern `\d+[a-` is column 19, not 18.
        let basic = Self.compile(["guardrails.toml": "[[custom_rules]]\nname = \"y\"\npattern = \"\\\\d+[a-\"\n"])
        expect(basic, "invalid-regex", file: "policies/guardrails.toml", line: 3, column: 19, containing: "missing terminating ]")
    }

    @Test func unpricedModelIsAWarningNotAnError() throws {
        let result = Self.compile(["routing.toml": "[[aliases]]\nfrom = \"gpt-4\"\nto = \"gpt-4-acme-internal\"\n"])
        expect(result, "unpriced-model", file: "policies/routing.toml", line: 3, column: 6, severity: .warning)
        #expect(result.snapshot != nil)
    }

    @Test func limitForAKilledSourceIsAWarning() {
        let result = Self.compile(["quotas.toml": "kill_switches = [\"bot\"]\n[[source_limits]]\nsource = \"bot\"\ndaily_usd = 1\n"])
        expect(result, "limit-on-killed-source", file: "policies/quotas.toml", line: 2, column: 3, severity: .warning)
        #expect(result.snapshot?.rules.killSwitches["bot"] != nil)
    }

    @Test func crossProviderRoutingIsRejected() {
        let result = Self.compile(["routing.toml": "[[aliases]]\nfrom = \"gpt-4\"\nto = \"claude-sonnet-4-6\"\n"])
        expect(result, "cross-provider", file: "policies/routing.toml", line: 1, column: 3, containing: "crosses providers")
    }

    @Test func versionIsAHashOfTheSources() throws {
        let a = try #require(Self.compile(["quotas.toml": "kill_switches = []\n"]).snapshot)
        let b = try #require(Self.compile(["quotas.toml": "kill_switches = []\n"]).snapshot)
        let c = try #require(Self.compile(["quotas.toml": "kill_switches = [] # changed\n"]).snapshot)
        #expect(a.version == b.version)
        #expect(a.version != c.version)
        #expect(a.version.count == 12)
    }

    @Test func pricingOverrideAddsAndChangesModels() throws {
        let snapshot = try #require(Self.compile([:], config: """
            [pricing."acme-llm"]
            provider = "openai"
            input_per_mtok = 1.5
            output_per_mtok = 6

            [pricing."gpt-4o"]
            output_per_mtok = 12
            """).snapshot)
        #expect(snapshot.prices.price(for: "acme-llm")?.standard.base == Rates(input: 1_500_000, output: 6_000_000))
        #expect(snapshot.prices.price(for: "gpt-4o")?.standard.base.output == 12_000_000)
        #expect(snapshot.prices.price(for: "gpt-4o")?.standard.base.input == 2_500_000)
    }

    @Test func renderedFormats() {
        let result = Self.compile(["quotas.toml": "[[model_limits]]\nmodel = \"m\"\ndaily_calls = -1\n"])
        let sources = ["policies/quotas.toml": Array("[[model_limits]]\nmodel = \"m\"\ndaily_calls = -1\n".utf8)]
        let human = DiagnosticRenderer.render(result.diagnostics, format: .human, sources: sources)
        #expect(human.contains("policies/quotas.toml:3:15: error: out-of-range:"))
        #expect(human.contains("    daily_calls = -1\n                  ^\n"))
        let github = DiagnosticRenderer.render(result.diagnostics, format: .github, sources: sources)
        #expect(github.hasPrefix("::error file=policies/quotas.toml,line=3,col=15,title=out-of-range::"))
        let json = DiagnosticRenderer.render(result.diagnostics, format: .json, sources: sources)
        #expect(json.contains(#""line":3,"column":15,"severity":"error","code":"out-of-range""#))
    }
}
