import Providers
import Testing

/// A record keeps its fields in a shared box: copies must still behave as independent values.
struct CallRecordTests {
    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        var original = CallRecord(id: "call-1", timestampMicros: 1, provider: "openai", endpoint: "chat",
                                  tags: ["team": "a"])
        original.findings = ["pii.email"]
        let snapshot = original
        var copy = original
        #expect(copy == original)

        copy.usage.inputTokens = 120
        copy.tags["team"] = "b"
        copy.findings.append("injection")
        copy.ingested = true
        copy.model = "gpt-5-mini"

        #expect(original == snapshot)
        #expect(original.usage.inputTokens == 0)
        #expect(original.tags == ["team": "a"])
        #expect(original.findings == ["pii.email"])
        #expect(!original.ingested)
        #expect(original.model == nil)
        #expect(copy != original)
        #expect(copy.usage.inputTokens == 120 && copy.tags["team"] == "b" && copy.findings.count == 2)

        // Equal fields in different boxes are equal records.
        var rebuilt = CallRecord(id: "call-1", timestampMicros: 1, provider: "openai", endpoint: "chat",
                                 tags: ["team": "a"])
        rebuilt.findings = ["pii.email"]
        #expect(rebuilt == original)
    }
}
