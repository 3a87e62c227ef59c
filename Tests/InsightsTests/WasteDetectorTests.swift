import Providers
import Testing
@testable import Insights

/// Waste detection on prompts made for each category (token counts from tiktoken, o200k)
/// and on clean prompts, which must report nothing.
@Suite struct WasteDetectorTests {
    let detector = WasteDetector(counter: InsightsFixtures.counter())

    func content(_ segments: [(PromptSegment.Role, String)]) -> PromptContent {
        var messageIndex = 0
        return PromptContent(segments: segments.map { role, text in
            defer { if role != .system { messageIndex += 1 } }
            return PromptSegment(role: role, text: text, messageIndex: role == .system ? -1 : messageIndex)
        }, messageCount: segments.filter { $0.0 != .system }.count)
    }

    // MARK: - Whitespace

    @Test func whitespaceBloat() {
        let text = "Summarise the report.    Focus on revenue.\t\t\tIgnore   the appendix.   \n\n\n\n\nReturn   three bullet points.   "
        let report = detector.analyze(content([(.user, text)]))
        // 27 tokens as sent, 19 once normalised.
        #expect(report[.whitespace].tokens == 8)
        #expect(report[.whitespace].occurrences == 1)
        // The sample starts a little before the first bloat, whitespace made visible.
        #expect(report[.whitespace].samples == ["…ise·the·report.····Focus·on·revenue.→→→Ignore···…"])
        #expect(report.wastedTokens == 8)
    }

    @Test func normalizerKeepsWhatCarriesMeaning() throws {
        // Indentation, single blank lines, CRLF endings and one final newline stay.
        for text in ["func f() {\n    return 1\n}\n", "a\r\nb\r\n\r\nc\r\n", "One.\n\nTwo.\n", "\tindented first line"] {
            #expect(WhitespaceNormalizer.normalize(text) == nil, "\(text.debugDescription)")
        }
        let (normalized, offset) = try #require(WhitespaceNormalizer.normalize("\n\nHead  \r\n\r\n\r\n  body   text\t\n\n\n"))
        #expect(normalized == "Head\r\n\r\n  body text\n")
        #expect(offset == 0)
    }

    // MARK: - Polite filler

    @Test func politeFiller() {
        let report = detector.analyze(content([(.user, "Hi there! Could you please summarise this report? Thank you so much!")]))
        // "Hi there!" 3 + " Could you please" 3 + " Thank you so much!" 5.
        #expect(report[.politeFiller].tokens == 11)
        #expect(report[.politeFiller].occurrences == 3)
        #expect(report[.politeFiller].samples == ["Hi there!", "Could you please", "Thank you so much!"])
    }

    @Test func fillerOnlyInItsFillerForm() {
        let clean = detector.analyze(content([
            (.system, "Act as an AI tutor for algebra. Treat every student kindly."),
            (.user, "Thanks to the new cache, latency dropped. Why?"),
        ]))
        #expect(clean[.politeFiller].tokens == 0)
        let flagged = detector.analyze(content([
            (.user, "Review the diff. Kindly keep it short."),
            (.assistant, "As an AI language model, I cannot run the code."),
        ]))
        // " Kindly" 1 (with the space before it) + "As an AI language model," 6.
        #expect(flagged[.politeFiller].tokens == 1 + 6)
        #expect(flagged[.politeFiller].occurrences == 2)
    }

    // MARK: - Repeated instructions

    @Test func repeatedInstructionsAcrossMessages() {
        let report = detector.analyze(content([
            (.system, "Always answer in JSON. Never include explanations outside the JSON object."),
            (.user, "List three colors. Always answer in JSON."),
            (.assistant, "[\"red\", \"green\", \"blue\"]"),
            (.user, "Always answer in JSON! List three animals."),
        ]))
        // Two later copies of "Always answer in JSON", 5 tokens each.
        #expect(report[.redundantInstructions].tokens == 10)
        #expect(report[.redundantInstructions].occurrences == 2)
        #expect(report[.redundantInstructions].samples == ["Always answer in JSON.", "Always answer in JSON!"])
    }

    @Test func repeatedInstructionWithinTheSystemPrompt() {
        let report = detector.analyze(content([
            (.system, "Be concise. Keep answers under 100 words.\n- Keep answers under 100 words\nBe concise."),
        ]))
        // "Be concise." is too short to judge; the list item repeats the sentence (7 tokens).
        #expect(report[.redundantInstructions].occurrences == 1)
        #expect(report[.redundantInstructions].tokens == InsightsFixtures.counter().count("Keep answers under 100 words"))
    }

    @Test func repetitionThatIsNotAnInstructionIsLeftAlone() {
        let code = "```python\nfor row in rows:\n    print(row, file=output_file)\n```"
        let report = detector.analyze(content([
            (.user, "Here is my script:\n" + code),
            (.assistant, "Let me know if you need anything else with the script."),
            (.user, "It still fails:\n" + code),
            (.assistant, "Let me know if you need anything else with the script."),
        ]))
        #expect(report[.redundantInstructions].tokens == 0)
    }

    @Test func fillerInsideARepeatIsCountedOnce() {
        let report = detector.analyze(content([
            (.user, "Please reply in formal English."),
            (.user, "Please reply in formal English."),
        ]))
        let counter = InsightsFixtures.counter()
        #expect(report[.redundantInstructions].tokens == counter.count("Please reply in formal English."))
        // Only the first message's "Please" is filler; the second is inside the repeat.
        #expect(report[.politeFiller].occurrences == 1)
        #expect(report.wastedTokens == counter.count("Please reply in formal English.") + counter.count("Please"))
    }

    // MARK: - Empty messages

    @Test func emptyMessagesFromTheBody() throws {
        let body = try JSONReader.parse(Array("""
        {"model": "gpt-4o", "messages": [
          {"role": "system", "content": "You are terse."},
          {"role": "user", "content": ""},
          {"role": "assistant", "content": "   "},
          {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "now", "arguments": "{}"}}]},
          {"role": "tool", "tool_call_id": "c1", "content": "12:00"},
          {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]},
          {"role": "user", "content": [{"type": "text", "text": ""}]},
          {"role": "user", "content": "What time is it?"}
        ]}
        """.utf8))
        #expect(EmptyMessageFinder.emptyMessages(provider: .openai, endpoint: .chatCompletions, body: body) == [1, 2, 6])
        let analysis = PromptAnalyzer().analyze(provider: .openai, endpoint: .chatCompletions, body: body, model: "gpt-4o")
        // Three messages of framing (4 each) plus the "   " text (1 token).
        #expect(analysis.waste[.emptyMessages].occurrences == 3)
        #expect(analysis.waste[.emptyMessages].tokens == 3 * EmptyMessageFinder.framingTokens + 1)
        #expect(analysis.waste[.whitespace].tokens == 0)
    }

    @Test func emptyMessagesInEveryFormat() throws {
        let anthropic = try JSONReader.parse(Array("""
        {"messages": [{"role": "user", "content": []}, {"role": "assistant", "content": [{"type": "text", "text": " "}]},
                      {"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AA"}}]},
                      {"role": "assistant", "content": [{"type": "thinking", "thinking": "", "signature": "x"}]},
                      {"role": "user", "content": "Hi"}]}
        """.utf8))
        #expect(EmptyMessageFinder.emptyMessages(provider: .anthropic, endpoint: .messages, body: anthropic) == [0, 1])
        let gemini = try JSONReader.parse(Array("""
        {"contents": [{"role": "user", "parts": [{"text": ""}]}, {"role": "model", "parts": []},
                      {"role": "user", "parts": [{"inlineData": {"mimeType": "image/png", "data": "AA"}}]},
                      {"role": "user", "parts": [{"text": "Hi"}]}]}
        """.utf8))
        #expect(EmptyMessageFinder.emptyMessages(provider: .google, endpoint: .generateContent, body: gemini) == [0, 1])
        let responses = try JSONReader.parse(Array("""
        {"input": [{"role": "user", "content": [{"type": "input_text", "text": ""}]}, {"type": "reasoning", "summary": []},
                   {"type": "function_call_output", "call_id": "c", "output": ""}, {"role": "user", "content": "Hi"}]}
        """.utf8))
        #expect(EmptyMessageFinder.emptyMessages(provider: .openai, endpoint: .responses, body: responses) == [0])
    }

    @Test func whitespaceOnlyMessagesWithoutTheBody() {
        let report = detector.analyze(content([(.user, "Hello"), (.assistant, "\n\n"), (.user, "Are you there?")]))
        #expect(report[.emptyMessages].occurrences == 1)
        #expect(report[.emptyMessages].tokens == EmptyMessageFinder.framingTokens + 1)
        #expect(report[.emptyMessages].samples == ["#1 (assistant)"])
        #expect(report[.whitespace].tokens == 0)
    }

    /// A message is empty only if every one of its segments is blank text; a tool call with a
    /// blank text beside it is not, and numbers with no segment at all are never reported.
    @Test func emptyOnlyWhenEverySegmentIsBlank() {
        let content = PromptContent(segments: [
            PromptSegment(role: .user, text: "Run it", messageIndex: 0),
            PromptSegment(role: .assistant, text: " ", messageIndex: 1),
            PromptSegment(role: .assistant, kind: .toolCall, text: "{}", messageIndex: 1),
            PromptSegment(role: .user, text: "", messageIndex: 4),
            PromptSegment(role: .user, text: "\u{3000}\n", messageIndex: 5),
            PromptSegment(role: .user, text: " Go", messageIndex: 6),
        ], messageCount: 7)
        #expect(detector.emptyMessageIndexes(content, known: nil) == [4, 5])
        #expect(detector.emptyMessageIndexes(content, known: [2]) == [2, 4, 5])
    }

    // MARK: - Clean prompts

    static let cleanPrompts: [[(PromptSegment.Role, String)]] = [
        [(.system, "You are a senior data analyst. Answer with a short summary followed by a table. Use metric units."),
         (.user, "Which three regions grew fastest last quarter, and by how much?")],
        [(.system, "You review pull requests for a Swift codebase. Point out bugs first, then style issues. Quote the line you mean."),
         (.user, "Review this function:\n\n```swift\nfunc average(_ values: [Double]) -> Double {\n    guard !values.isEmpty else { return 0 }\n    return values.reduce(0, +) / Double(values.count)\n}\n```"),
         (.assistant, "The function is correct for finite inputs. Consider documenting that an empty array returns zero rather than NaN."),
         (.user, "Good point. How would you test it?")],
        [(.user, "Translate into French: The meeting moved to Thursday at ten, in the small room on the second floor.")],
        [(.system, "Tu es un assistant qui répond en français, de façon claire et précise."),
         (.user, "Explique la différence entre un processus et un thread."),
         (.assistant, "Un processus possède son propre espace mémoire ; les threads d'un même processus le partagent."),
         (.user, "Et pour la communication entre eux ?")],
        [(.user, "機械学習とは何ですか？簡単に説明してください。")],
        [(.system, "Summaries must be under 50 words.\n\nFormat:\n- Title\n- Summary\n- Three keywords"),
         (.user, "Summarise: The city council approved a new cycling lane network that connects the train station, the university and the old harbour, funded by a regional transport grant.")],
    ]

    @Test(arguments: 0..<cleanPrompts.count)
    func cleanPromptsReportNothing(_ index: Int) {
        let report = detector.analyze(content(Self.cleanPrompts[index]))
        #expect(report.wastedTokens == 0, "\(report.findings.filter { $0.tokens > 0 })")
        #expect(report.promptTokens > 0)
    }

    @Test func reportShape() {
        let report = detector.analyze(PromptContent())
        #expect(report.findings.map(\.category) == WasteCategory.allCases)
        #expect(report.wastedTokens == 0)
        #expect(report.wasteRatio == 0)
    }
}
