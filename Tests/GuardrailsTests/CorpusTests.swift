import Testing
import Guardrails
import Providers

/// The corpus in Tests/Fixtures/guardrails: every positive is found with exactly the expected
/// rules (and sample, where given); every look-alike negative is silent.
@Suite struct CorpusTests {
    @Test(arguments: Fixtures.positives)
    func positiveIsFound(_ item: Fixtures.CorpusCase) {
        let findings = Fixtures.everything.scanRequest(Fixtures.userPrompt(item.text))
        #expect(Set(findings.map(\.rule)) == Set(item.rules ?? []), "\(item.text)")
        if let sample = item.sample {
            #expect(findings.contains { $0.sample == sample }, "samples: \(findings.map(\.sample))")
        }
    }

    @Test(arguments: Fixtures.negatives)
    func negativeIsSilent(_ item: Fixtures.CorpusCase) {
        let findings = Fixtures.everything.scanRequest(Fixtures.userPrompt(item.text))
        #expect(findings.isEmpty, "\(item.text) → \(findings.map { "\($0.rule) \($0.sample)" })")
    }

    /// The response side runs the same detectors: the corpus reads the same there.
    @Test func responseScanAgreesWithRequestScan() {
        for item in Fixtures.positives + Fixtures.negatives {
            let response = Fixtures.everything.scanResponse(item.text).map(\.rule)
            let request = Fixtures.everything.scanRequest(Fixtures.userPrompt(item.text)).map(\.rule)
            #expect(Set(response) == Set(request), "\(item.note)")
        }
    }

    @Test func corpusIsSubstantial() {
        #expect(Fixtures.positives.count >= 80)
        #expect(Fixtures.negatives.count >= 60)
        let rules = Set(Fixtures.positives.flatMap { $0.rules ?? [] })
        #expect(rules == Set(PIIType.allCases.map(\.ruleID) + ["injection"]))
    }
}
