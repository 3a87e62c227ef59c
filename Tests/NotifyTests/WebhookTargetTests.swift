import Foundation
import Policy
import Testing

/// Where webhooks may go: http(s) only, no credentials, hosts from `allow_hosts`.
struct WebhookTargetTests {
    @Test(arguments: [
        ("https://hooks.example.com/tokenlens", ["hooks.example.com"]),
        ("http://HOOKS.example.com:8080/x?y=1", ["hooks.example.com"]),
        ("https://a.b.example.com/x", ["*.example.com"]),
        ("http://127.0.0.1:9000/hook", ["127.0.0.1"]),
        ("http://[::1]:9000/hook", ["::1"]),
        ("https://hooks.example.com./t", ["hooks.example.com"]),
    ])
    func allowed(url: String, hosts: [String]) {
        #expect(WebhookTarget.problem(url, allowHosts: hosts) == nil)
    }

    @Test func refusals() {
        #expect(WebhookTarget.problem("ftp://hooks.example.com/x", allowHosts: ["hooks.example.com"]) == .scheme("ftp"))
        #expect(WebhookTarget.problem("file:///etc/passwd", allowHosts: ["hooks.example.com"]) == .notAbsolute)
        #expect(WebhookTarget.problem("hooks.example.com/x", allowHosts: ["hooks.example.com"]) == .notAbsolute)
        #expect(WebhookTarget.problem("https://user:pw@hooks.example.com/", allowHosts: ["hooks.example.com"]) == .credentials)
        #expect(WebhookTarget.problem("https://evil.example.net/", allowHosts: ["hooks.example.com"])
                == .hostNotAllowed(host: "evil.example.net", allowed: ["hooks.example.com"]))
        // A wildcard covers subdomains only, and a suffix is not a subdomain.
        #expect(WebhookTarget.problem("https://example.com/", allowHosts: ["*.example.com"]) != nil)
        #expect(WebhookTarget.problem("https://badexample.com/", allowHosts: ["*.example.com"]) != nil)
        #expect(WebhookTarget.problem("https://hooks.example.com.evil.net/", allowHosts: ["hooks.example.com"]) != nil)
        // An empty list allows nothing, and says how to fix it.
        let problem = WebhookTarget.problem("https://hooks.example.com/", allowHosts: [])
        #expect(problem?.isHostRefusal == true)
        #expect(problem?.description.contains("add \"hooks.example.com\"") == true)
    }

    @Test func allowListEntries() {
        #expect(WebhookTarget.allowEntryProblem("hooks.example.com") == nil)
        #expect(WebhookTarget.allowEntryProblem("*.example.com") == nil)
        #expect(WebhookTarget.allowEntryProblem("::1") == nil)
        #expect(WebhookTarget.allowEntryProblem("https://hooks.example.com") != nil)
        #expect(WebhookTarget.allowEntryProblem("hooks.example.com:443") != nil)
        #expect(WebhookTarget.allowEntryProblem("*") != nil)
        #expect(WebhookTarget.allowEntryProblem("a.*.com") != nil)
        #expect(WebhookTarget.allowEntryProblem("") != nil)
    }

    static func compile(_ config: String) -> PolicyCompiler.Result {
        let sources = PolicySources(config: PolicySources.File(path: "config.toml", bytes: Array(config.utf8)),
                                    policies: [], policyDirectory: "policies")
        return PolicyCompiler.compile(sources, environment: ["HOME": "/tmp/tokenlens-notify-tests"])
    }

    @Test func compilerRefusesAnEnabledWebhookOutsideTheAllowList() {
        let refused = Self.compile("""
            [webhooks]
            enabled = true
            url = "https://evil.example.net/x"
            allow_hosts = ["hooks.example.com"]
            events = ["cost_alert"]
            """)
        #expect(refused.snapshot == nil)
        let error = refused.errors.first { $0.code == "webhook-host-not-allowed" }
        #expect(error?.line == 3)
        #expect(error?.message.contains("evil.example.net") == true)

        // Disabled, it only warns: nothing is sent.
        let disabled = Self.compile("""
            [webhooks]
            url = "https://evil.example.net/x"
            """)
        #expect(disabled.snapshot != nil)
        #expect(disabled.warnings.contains { $0.code == "webhook-host-not-allowed" })

        let scheme = Self.compile("[webhooks]\nenabled = true\nurl = \"ftp://hooks.example.com/\"\nallow_hosts = [\"hooks.example.com\"]\n")
        #expect(scheme.errors.contains { $0.code == "invalid-url" })

        let fine = Self.compile("""
            [webhooks]
            enabled = true
            url = "http://127.0.0.1:9000/hook"
            allow_hosts = ["127.0.0.1"]
            events = ["cost_alert", "weekly_digest"]
            secret = "s"
            max_attempts = 3
            timeout_seconds = 2.5
            [logging]
            enabled = true
            max_body_bytes = 4096
            """)
        #expect(fine.errors == [])
        #expect(fine.snapshot?.webhooks.maxAttempts == 3)
        #expect(fine.snapshot?.webhooks.timeoutSeconds == 2.5)
        #expect(fine.snapshot?.webhooks.delivers("cost_alert") == true)
        #expect(fine.snapshot?.webhooks.delivers("call_recorded") == false)
        #expect(fine.snapshot?.logging.maxBodyBytes == 4096)

        let bad = Self.compile("[webhooks]\nallow_hosts = [\"https://x.com\"]\nmax_attempts = 0\n[logging]\nmax_body_bytes = 10\n")
        #expect(bad.errors.count == 3)
    }
}
