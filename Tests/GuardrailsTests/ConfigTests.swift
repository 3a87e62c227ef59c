import Testing
@testable import Guardrails
import Providers

/// The configuration vocabulary the policy compiler builds on, and the built-in detectors.
@Suite struct ConfigTests {
    @Test func rawValuesAreTheConfigSpelling() {
        #expect(PIIType.allCases.map(\.rawValue) == ["email", "phone", "ssn", "credit_card", "iban", "secret"])
        #expect(PIIType.allCases.map(\.ruleID) == ["pii.email", "pii.phone", "pii.ssn", "pii.credit_card", "pii.iban", "pii.secret"])
        #expect(GuardrailAction.allCases.map(\.rawValue) == ["warn", "block"])
        #expect(GuardrailScope.allCases.map(\.rawValue) == ["request", "response", "both"])
        #expect(CustomRuleSpec(name: "acme", pattern: Fixtures.pattern("x")).ruleID == "custom.acme")
    }

    /// Every built-in pattern compiles (a nil one would silently drop its detector).
    @Test func everyBuiltInDetectorIsPresent() {
        let set = GuardrailSet(pii: PIISettings(), injection: InjectionSettings(), customRules: [])
        // Six PII types (secrets use two patterns) and one detector per injection signal.
        #expect(set.detectors.count == 7 + InjectionSignal.allCases.count)
        #expect(InjectionSignal.allCases.allSatisfy { $0.pattern != nil })
    }

    @Test func defaults() {
        #expect(PIISettings().types == Set(PIIType.allCases))
        #expect(PIISettings().action == .warn && PIISettings().scope == .both)
        #expect(InjectionSettings().scope == .request)
    }

    @Test func anchorWordsCoverEveryStrongExample() {
        // Each injection positive of the corpus must show its signal's anchor, or it would be skipped.
        var checked = 0
        for item in Fixtures.positives where item.rules?.contains("injection") == true {
            let finding = Fixtures.everything.scanResponse(item.text).first { $0.rule == "injection" }
            guard let detail = finding?.detail, let signal = InjectionSignal(rawValue: detail), let bit = signal.anchorBit else { continue }
            let signals = InjectionSignal.anchors.signals(in: Array(item.text.utf8)[...])
            #expect(signals & bit != 0, "\(item.note)")
            checked += 1
        }
        #expect(checked >= 15)
    }
}
