import Guardrails
import Policy

/// The words TokenLens uses about guardrail findings: the refusal a client reads (naming the
/// rule and the policy file) and the masked samples a record keeps.
enum GuardrailMessages {
    static func block(_ finding: GuardrailFinding, rules: GatewayRules?) -> String {
        let origin = rules?.origin(ofGuardrail: finding.rule).map { " (\($0))" } ?? ""
        let place: String
        switch finding.side {
        case .request:
            let role = finding.role.map { "\($0.rawValue) " } ?? ""
            let kind = finding.kind.map { $0 == .text ? "text" : $0.rawValue } ?? "text"
            place = "in the request's \(role)\(kind)"
        case .response:
            place = "in the model's output"
        }
        return "TokenLens refused this call: guardrail \(finding.rule)\(origin) matched \(finding.sample) \(place)"
    }

    /// `rule: masked sample` for each finding, as recorded.
    static func samples(_ findings: [GuardrailFinding]) -> [String] {
        findings.map { "\($0.rule): \($0.sample)" }
    }
}
