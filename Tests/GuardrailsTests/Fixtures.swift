import Foundation
import Guardrails
import Patterns
import Providers
import Testing

/// Test data: the guardrail corpus and request bodies in Tests/Fixtures/guardrails, and the
/// provider response fixtures in Tests/Fixtures/providers.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func bytes(_ path: String) -> [UInt8] {
        let url = directory.appendingPathComponent(path)
        guard let data = try? Data(contentsOf: url) else { fatalError("missing fixture \(url.path)") }
        return Array(data)
    }

    static func json(_ path: String) -> JSONValue {
        guard let value = try? JSONReader.parse(bytes(path)) else { fatalError("fixture \(path) is not JSON") }
        return value
    }

    /// One line of `positives.json` / `negatives.json`.
    struct CorpusCase: Decodable, Sendable, CustomTestStringConvertible {
        var text: String
        var rules: [String]?
        var note: String
        var sample: String?

        var testDescription: String { note }
    }

    static func corpus(_ name: String) -> [CorpusCase] {
        let data = Data(bytes("guardrails/\(name).json"))
        guard let cases = try? JSONDecoder().decode([CorpusCase].self, from: data) else { fatalError("bad corpus \(name)") }
        return cases
    }

    static let positives = corpus("positives")
    static let negatives = corpus("negatives")

    /// Every built-in detector, warning on both sides.
    static let everything = GuardrailSet(pii: PIISettings(), injection: InjectionSettings(scope: .both), customRules: [])

    static func pattern(_ text: String, caseInsensitive: Bool = false) -> CompiledPattern {
        do {
            return try CompiledPattern(text, caseInsensitive: caseInsensitive)
        } catch {
            fatalError("bad test pattern \(text): \(error)")
        }
    }

    /// A request holding `text` as one user message.
    static func userPrompt(_ text: String) -> PromptContent {
        PromptContent(segments: [PromptSegment(role: .user, text: text, messageIndex: 0)], messageCount: 1)
    }
}
