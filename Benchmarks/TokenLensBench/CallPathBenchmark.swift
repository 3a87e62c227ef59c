import Foundation
import Insights
import Providers

/// What TokenLens's own steps cost per proxied call, in process, on the bodies the proxy
/// benchmark sends and receives (Benchmarks/proxy/chat.lua and chat.json): the figures the
/// proxy benchmark's per-call CPU is made of, without the network and the machine's noise.
enum CallPathBenchmark {
    static func run() async throws {
        print("## Call path (one chat completion, per call)\n")
        let proxyDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("proxy")
        // The request body is the one wrk sends (`wrk.body = '…'` in chat.lua).
        let script = try String(contentsOf: proxyDirectory.appendingPathComponent("chat.lua"), encoding: .utf8)
        guard let bodyLine = script.split(separator: "\n").first(where: { $0.hasPrefix("wrk.body = '") }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let request = Array(bodyLine.dropFirst("wrk.body = '".count).dropLast().utf8)
        let response = try Array(Data(contentsOf: proxyDirectory.appendingPathComponent("chat.json")))
        let stream = try Array(Data(contentsOf: proxyDirectory.appendingPathComponent("stream.sse")))
        let streamFacts = RequestFacts(provider: .openai, endpoint: .chatCompletions, stream: true, streamFormat: .sse)
        let analyzer = PromptAnalyzer()
        let prices = PriceTable.shipped
        let facts = try request.withUnsafeBytes { body throws(JSONSyntaxError) in
            try RequestInspector.inspect(provider: .openai, method: "POST", path: "/v1/chat/completions", query: nil, body: body)
        }
        let json = try JSONReader.parse(request)

        // An agent's system prompt restating its rules, and a task that repeats one of them.
        let agentPrompt = PromptContent(segments: [
            PromptSegment(role: .system, text: String(repeating: "You are a careful coding agent. Always run the tests before you commit. "
                                                              + "Never push to main without review. Keep answers short and precise. ", count: 10),
                          messageIndex: 0),
            PromptSegment(role: .user, text: "Fix the failing test in the parser. Always run the tests before you commit.", messageIndex: 1),
        ], messageCount: 2)
        let steps: [(String, () -> Int)] = [
            ("inspect the request (facts)", {
                (try? request.withUnsafeBytes { body throws(JSONSyntaxError) in
                    try RequestInspector.inspect(provider: .openai, method: "POST", path: "/v1/chat/completions", query: nil, body: body)
                })?.model?.utf8.count ?? 0
            }),
            ("parse the request (JSONValue)", { (try? JSONReader.parse(request)) == nil ? 0 : 1 }),
            ("extract the prompt", { PromptExtractor.extract(provider: .openai, endpoint: .chatCompletions, body: json).segments.count }),
            ("analyze the prompt (heatmap, waste)", {
                let content = PromptExtractor.extract(provider: .openai, endpoint: .chatCompletions, body: json)
                return analyzer.analyze(content, provider: .openai, endpoint: .chatCompletions, body: json, model: "gpt-5-mini").heatmap.total
            }),
            ("repeated instructions in an agent's prompt (41 sentences; not the benchmark's call)", {
                RepeatedInstructions.find(in: agentPrompt).count
            }),
            ("complexity score", {
                let content = PromptExtractor.extract(provider: .openai, endpoint: .chatCompletions, body: json)
                return ComplexityScorer.signals(content: content, promptTokens: 20, maxOutputTokens: 600).score
            }),
            ("usage from the response", {
                var tracker = UsageTracker(facts: facts)
                tracker.consume(response)
                tracker.finish()
                return Int(tracker.usage()?.outputTokens ?? 0)
            }),
            ("usage from the streamed response (SSE, 11 events)", {
                var tracker = UsageTracker(facts: streamFacts)
                tracker.consume(stream)
                tracker.finish()
                return Int(tracker.usage()?.outputTokens ?? 0)
            }),
            ("price the call", {
                let usage = Usage(inputTokens: 23, outputTokens: 512)
                return prices.price(for: "gpt-5-mini-2025-08-07").flatMap { CostCalculator.breakdown(of: usage, at: $0) } == nil ? 0 : 1
            }),
        ]
        print("| step | µs per call |")
        print("|---|---:|")
        for (name, step) in steps {
            // Every step's result is summed and used below, so the optimiser cannot drop the work.
            var sink = 0
            for _ in 0..<2_000 { sink &+= step() }
            var best = Double.infinity
            for _ in 0..<5 {
                let count = 20_000
                let start = ContinuousClock.now
                for _ in 0..<count { sink &+= step() }
                best = min(best, TokenizerBenchmark.milliseconds(ContinuousClock.now - start) * 1000 / Double(count))
            }
            print(String(format: "| %@ | %.2f |", name, best) + (sink == .min ? " " : ""))
        }
        print()
    }
}
