import Testing
import Guardrails
import Patterns
import Providers

/// Inputs built to make a scanner slow or wrong. Each test finishes quickly because no
/// pattern backtracks without bound (PCRE2 match limits) and candidates are read in bounded
/// pieces; the assertions check that the answer is still right.
@Suite struct PathologicalInputTests {
    @Test func catastrophicCustomPatternGivesUp() {
        let rule = CustomRuleSpec(name: "evil", pattern: Fixtures.pattern("(a+)+$"))
        let set = GuardrailSet(pii: PIISettings(), injection: nil, customRules: [rule])
        let text = String(repeating: "a", count: 50_000) + "!" + " contact jane@exmail.com"
        let findings = set.scanResponse(text)
        // The evil rule is abandoned at its match limit; the other detectors still run.
        #expect(findings.map(\.rule) == ["pii.email"])
    }

    @Test func numberHeavyTextIsScannedToTheEnd() {
        // 200 KB of comma-separated numbers (token ids, tables) then a real card.
        var text = (0..<40_000).map { String(($0 * 7919) % 100_000) }.joined(separator: ", ")
        text += "\ncard 4242 4242 4242 4242"
        let findings = Fixtures.everything.scanResponse(text)
        #expect(findings.map(\.rule) == ["pii.credit_card"])
    }

    @Test func denseCandidatesAreCountedUpToTheLimit() {
        let rule = CustomRuleSpec(name: "digit", pattern: Fixtures.pattern("[0-9]"))
        let set = GuardrailSet(pii: nil, injection: nil, customRules: [rule])
        let findings = set.scanResponse(String(repeating: "1234567890", count: 5_000))
        #expect(findings.first?.occurrences == 10_000)
    }

    @Test func adversarialLookAlikes() {
        let texts = [
            String(repeating: "a@", count: 20_000) + "b.c",
            String(repeating: "+1 ", count: 20_000),
            String(repeating: "1-", count: 30_000),
            String(repeating: "sk-", count: 20_000),
            String(repeating: "eyJ", count: 20_000) + "." + String(repeating: "eyJ", count: 100),
            String(repeating: "ignore ", count: 20_000),
            String(repeating: "DE89 ", count: 20_000),
            String(repeating: "x", count: 300_000) + "@" + String(repeating: "y", count: 100) + ".com",
        ]
        for text in texts {
            #expect(Fixtures.everything.scanResponse(text).isEmpty, "\(text.prefix(20))")
        }
    }

    @Test func veryLongTextIsScannedAtHeadAndTail() {
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 80_000) // ~2 MB
        let text = "head jane@exmail.com " + filler + " middle 123-45-6789 " + filler + " tail 4242 4242 4242 4242"
        #expect(text.utf8.count > GuardrailSet.maxScannedBytes)
        let rules = Fixtures.everything.scanResponse(text).map(\.rule)
        #expect(rules == ["pii.email", "pii.credit_card"])
    }

    @Test func nonASCIITextKeepsOffsetsRight() {
        let text = String(repeating: "日本語のテキスト、絵文字🙂も。", count: 2_000) + "電話 +81 3-1234-5678 メール taro@exmail.jp"
        let findings = Fixtures.everything.scanResponse(text)
        #expect(findings.map(\.sample) == ["+** *-****-5678", "t***@e***.jp"])
    }
}
