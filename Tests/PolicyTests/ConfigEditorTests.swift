import Foundation
@testable import Policy
import Providers
import Testing

/// The config API's write-back: edits land where the rules are written, and everything else
/// (comments, order, untouched rules) stays byte for byte.
struct ConfigEditorTests {
    static let quotas = """
        # Team quotas.
        kill_switches = ["old-bot"]  # stopped 2026-11-01

        # The billing agent.
        [[source_limits]]
        source = "billing"
        daily_usd = 5.0   # raised in November
        monthly_usd = 50

        [[source_limits]]
        source = "search"
        daily_usd = 2
        action = "warn"

        """

    static func sources(_ files: [String: String], config: String = "") -> PolicySources {
        PolicySources(config: .init(path: "/cfg/config.toml", bytes: Array(config.utf8)),
                      policies: files.sorted { $0.key < $1.key }.map { .init(path: "/cfg/policies/\($0.key)", bytes: Array($0.value.utf8)) },
                      policyDirectory: "/cfg/policies")
    }

    static func apply(_ section: ConfigSection, _ body: String, to sources: PolicySources) throws -> ConfigEditor.Edit {
        let json = try JSONReader.parse(Array(body.utf8))
        do {
            return try ConfigEditor(sources: sources, section: section).apply(json)
        } catch {
            Issue.record("edit failed: \(error)")
            throw error
        }
    }

    static func text(_ edit: ConfigEditor.Edit, _ name: String) -> String? {
        edit.changedFiles["/cfg/policies/\(name)"].map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func changingOneLimitChangesOneLine() throws {
        let edit = try Self.apply(.quotas, """
            {"kill_switches": ["old-bot"],
             "source_limits": [{"source": "billing", "daily_usd": 7.5, "monthly_usd": 50, "action": "block"},
                               {"source": "search", "daily_usd": 2, "monthly_usd": null, "action": "warn"}]}
            """, to: Self.sources(["quotas.toml": Self.quotas]))
        #expect(Self.text(edit, "quotas.toml") == Self.quotas.replacingOccurrences(
            of: "daily_usd = 5.0   # raised in November", with: "daily_usd = 7.5   # raised in November"))
    }

    @Test func sameContentWritesNothing() throws {
        let edit = try Self.apply(.quotas, """
            {"kill_switches": ["old-bot"], "source_limits": [
              {"source": "billing", "daily_usd": 5, "monthly_usd": 50, "action": "block"},
              {"source": "search", "daily_usd": 2, "action": "warn"}]}
            """, to: Self.sources(["quotas.toml": Self.quotas]))
        #expect(edit.changedFiles.isEmpty)
    }

    @Test func removingAndAddingRules() throws {
        let edit = try Self.apply(.quotas, """
            {"kill_switches": ["old-bot", "new-bot"],
             "source_limits": [{"source": "billing", "daily_usd": 5, "monthly_usd": 50},
                               {"source": "ops", "monthly_usd": 100}]}
            """, to: Self.sources(["quotas.toml": Self.quotas]))
        #expect(Self.text(edit, "quotas.toml") == """
            # Team quotas.
            kill_switches = ["old-bot", "new-bot"]  # stopped 2026-11-01

            # The billing agent.
            [[source_limits]]
            source = "billing"
            daily_usd = 5.0   # raised in November
            monthly_usd = 50

            [[source_limits]]
            source = "ops"
            monthly_usd = 100

            """)
    }

    @Test func rulesInOtherFilesAreEditedWhereTheyLive() throws {
        let teamFile = "# Team A's own limits.\n[[source_limits]]\nsource = \"team-a\"\ndaily_usd = 1\n"
        let edit = try Self.apply(.quotas, """
            {"source_limits": [{"source": "billing", "daily_usd": 5, "monthly_usd": 50},
                               {"source": "search", "daily_usd": 2, "action": "warn"},
                               {"source": "team-a", "daily_usd": 3}]}
            """, to: Self.sources(["quotas.toml": Self.quotas, "team-a.toml": teamFile]))
        #expect(edit.changedFiles.keys.sorted() == ["/cfg/policies/team-a.toml"])
        #expect(Self.text(edit, "team-a.toml") == teamFile.replacingOccurrences(of: "daily_usd = 1", with: "daily_usd = 3"))
    }

    @Test func newSectionFileIsCreatedInThePolicyFolder() throws {
        let edit = try Self.apply(.routing, #"{"aliases": [{"from": "gpt-4", "to": "gpt-4.1"}]}"#,
                                  to: Self.sources(["quotas.toml": Self.quotas]))
        let text = try #require(Self.text(edit, "routing.toml"))
        #expect(text.hasSuffix("[[aliases]]\nfrom = \"gpt-4\"\nto = \"gpt-4.1\"\n"))
        #expect(PolicyCompiler.compile(edit.sources).snapshot?.rules.aliases["gpt-4"]?.target == "gpt-4.1")
    }

    @Test func regexesAreWrittenAsLiteralStrings() throws {
        let edit = try Self.apply(.guardrails, #"{"custom_rules": [{"name": "ssn", "pattern": "\\d{3}-\\d{2}-\\d{4}", "action": "block"}]}"#,
                                  to: Self.sources([:]))
        #expect(Self.text(edit, "guardrails.toml")?.contains("pattern = '\\d{3}-\\d{2}-\\d{4}'") == true)
    }

    @Test func settingsTablesArePatched() throws {
        let config = "# Budget caps\n[budget]\nenabled = false  # off for now\nmonthly_limit_usd = 100\n"
        let edit = try Self.apply(.budget, #"{"enabled": true, "daily_limit_usd": 10}"#, to: Self.sources([:], config: config))
        #expect(edit.changedFiles["/cfg/config.toml"].map { String(decoding: $0, as: UTF8.self) }
                == "# Budget caps\n[budget]\nenabled = true  # off for now\nmonthly_limit_usd = 100\ndaily_limit_usd = 10\n")
    }

    @Test func unknownBodyKeysAreRefused() {
        #expect(throws: ConfigEditor.EditError.self) {
            try ConfigEditor(sources: Self.sources([:]), section: .quotas).apply(try JSONReader.parse(Array(#"{"kill_switch": []}"#.utf8)))
        }
    }

    @Test func writesOutsideThePolicyFolderAreRefused() {
        let sources = Self.sources([:])
        #expect(ConfigEditor.isWritable("/cfg/policies/quotas.toml", sources: sources))
        #expect(!ConfigEditor.isWritable("/cfg/policies/../secrets.toml", sources: sources))
        #expect(!ConfigEditor.isWritable("/etc/passwd", sources: sources))
        #expect(ConfigEditor.isWritable("/cfg/config.toml", sources: sources))
    }

    @Test func ifMatchForms() {
        #expect(ConfigService.matches("\"abc\"", version: "abc"))
        #expect(ConfigService.matches("W/\"abc\"", version: "abc"))
        #expect(ConfigService.matches("*", version: "abc"))
        #expect(!ConfigService.matches("\"abd\"", version: "abc"))
    }
}
