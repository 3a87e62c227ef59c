import Providers
import Testing
@testable import Insights

/// The complexity score: one point per signal the last user message shows, read from its
/// bytes (ASCII case folded), whatever the earlier messages say.
@Suite struct ComplexityScorerTests {
    func signals(_ messages: [(PromptSegment.Role, String)], promptTokens: Int = 100,
                 maxOutput: Int64? = nil) -> ComplexityScorer.Signals {
        let segments = messages.enumerated().map { index, message in
            PromptSegment(role: message.0, text: message.1, messageIndex: index)
        }
        return ComplexityScorer.signals(content: PromptContent(segments: segments, messageCount: messages.count),
                                        promptTokens: promptTokens, maxOutputTokens: maxOutput)
    }

    @Test func aShortQuestionScoresZero() {
        #expect(signals([(.user, "What is the capital of France?")]).score == 0)
    }

    @Test func wordsAreFoundWhateverTheirCase() {
        let found = signals([(.user, "Please ANALYZE this and return a JSON Table.")])
        #expect(found.reasoning)
        #expect(found.structuredOutput)
        #expect(!found.code)
        #expect(found.score == 2)
    }

    @Test func onlyTheLastUserMessageCounts() {
        let found = signals([(.user, "Debug this: ```func f() {}```"), (.assistant, "Done."), (.user, "Thanks!")])
        #expect(!found.reasoning)
        #expect(!found.code)
    }

    @Test func numberedStepsAndQuestionsMakeAMultiPartTask() {
        #expect(signals([(.user, "Do this:\n1. read\n  2) sort\n3. write")]).multiPart)
        // CRLF line ends count too; "10." is not a one-character number.
        #expect(signals([(.user, "1. read\r\n2. sort\r\n3. write")]).multiPart)
        #expect(!signals([(.user, "10. read\n11. sort\n12. write")]).multiPart)
        // A number that is not ASCII still starts a step.
        #expect(signals([(.user, "١. read\n٢. sort\n٣. write")]).multiPart)
        #expect(signals([(.user, "Why? How? When?")]).multiPart)
        #expect(!signals([(.user, "Why? How?")]).multiPart)
    }

    @Test func sizeAndToolSignals() {
        let found = signals([(.user, "class Foo {\n}")], promptTokens: 25_000, maxOutput: 8_000)
        #expect(found.code)
        #expect(found.longPrompt)
        #expect(found.veryLongPrompt)
        #expect(found.largeOutput)
        #expect(found.score == 4)
    }

    @Test func aQuerySplitOverSegmentsIsReadWhole() {
        let segments = [PromptSegment(role: .user, text: "Compare", messageIndex: 0),
                        PromptSegment(role: .user, text: "THE TWO", messageIndex: 0)]
        let found = ComplexityScorer.signals(content: PromptContent(segments: segments, messageCount: 1),
                                             promptTokens: 10, maxOutputTokens: nil)
        #expect(found.reasoning)
        #expect(ComplexityScorer.lowercasedQuery(PromptContent(segments: segments, messageCount: 1))
            == Array("compare\nthe two".utf8))
    }
}
