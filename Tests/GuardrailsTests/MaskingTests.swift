import Testing
import Guardrails
import Providers

/// Samples are masked: they show the shape and a little of the value, never the value.
@Suite struct MaskingTests {
    static let cases: [(text: String, rule: String, sample: String, secret: String)] = [
        ("write to jane@exmail.com", "pii.email", "j***@e***.com", "jane@exmail.com"),
        ("card 4242 4242 4242 4242 ok", "pii.credit_card", "**** **** **** 4242", "4242 4242 4242 4242"),
        ("ssn 123-45-6789", "pii.ssn", "***-**-6789", "123-45-6789"),
        ("call (415) 555-2671", "pii.phone", "(***) ***-2671", "555-2671"),
        ("iban DE89 3704 0044 0532 0130 00", "pii.iban", "DE** **** **** **** **30 00", "3704 0044"),
        ("key sk-proj-4fT9kQ2mX7vB1nR8pL3wZ6yH0cJ5dG2sA9eK4uV7tN1bM8xQ", "pii.secret", "sk-proj-****M8xQ", "4fT9kQ2mX7vB1nR8"),
        ("gh ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ", "pii.secret", "ghp_****WxYZ".replacingOccurrences(of: "WxYZ", with: "wXyZ"), "1a2B3c4D5e6F"),
    ]

    @Test(arguments: 0..<cases.count)
    func sampleIsMasked(_ index: Int) {
        let item = Self.cases[index]
        let findings = Fixtures.everything.scanResponse(item.text)
        let finding = findings.first { $0.rule == item.rule }
        #expect(finding?.sample == item.sample, "\(findings)")
        #expect(finding.map { !$0.sample.contains(item.secret) } == true)
    }

    @Test func privateKeyShowsHeaderOnly() {
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----"
        let finding = Fixtures.everything.scanResponse(key).first
        #expect(finding?.sample == "-----BEGIN OPENSSH PRIVATE KEY----- ****")
        #expect(finding?.detail == "private_key")
    }

    @Test func customRuleSampleKeepsOnlyTheEnds() {
        let rule = CustomRuleSpec(name: "codename", pattern: Fixtures.pattern("Project [A-Z][a-z]+"))
        let set = GuardrailSet(pii: nil, injection: nil, customRules: [rule])
        #expect(set.scanResponse("about Project Phoenix today").first?.sample == "Pr***ix")
        let short = CustomRuleSpec(name: "short", pattern: Fixtures.pattern("X[0-9]{2}"))
        #expect(GuardrailSet(pii: nil, injection: nil, customRules: [short]).scanResponse("id X42").first?.sample == "****")
    }

    @Test func repeatedMatchesFoldIntoOneFindingWithACount() {
        let text = (1...5).map { "user\($0)@mailhost.org" }.joined(separator: ", ")
        let findings = Fixtures.everything.scanResponse(text)
        #expect(findings.count == 1)
        #expect(findings.first?.occurrences == 5)
        #expect(findings.first?.sample == "u***@m***.org")
    }

    @Test func secretKindsAreNamed() {
        let kinds = [
            ("sk" + "-ant-api03-Xy7Qw2Er5Ty8Ui1Op4As7Df0Gh3Jk6Lz9Xc2Vb5Nm8Qw1Er4Ty7Ui0-AbCdEfAA", "anthropic_key"),
            ("AKIAQ3EGRT5YHJ7NMK2P", "aws_access_key"),
            ("xoxb-263594206564-2343637520887-Zo5gDl8kQ2vT9xR4mN7pW1yC", "slack_token"),
            ("AI" + "zaSyD3x7Qk9LmN2pR5tV8wY1zB4cF6hJ0kM3n", "google_api_key"),
            ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "jwt"),
        ]
        for (value, kind) in kinds {
            let finding = Fixtures.everything.scanResponse("token: \(value)").first
            #expect(finding?.detail == kind, "\(value)")
            #expect(finding.map { !$0.sample.contains(String(value.dropFirst(6).prefix(10))) } == true)
        }
    }
}
