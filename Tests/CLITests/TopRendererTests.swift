import Foundation
import Testing
@testable import CLI

/// `tokenlens top` adapts to the terminal: every line fits its width, and as many calls as
/// fit its height are shown, newest first.
struct TopRendererTests {
    static let event = #"""
    {"type":"call","call":{"id":"01ABC","ts":"2026-11-28T06:44:30.706Z","provider":"openai","model":"gpt-4.1-mini-2025-04-14","source":"agent-with-a-rather-long-name","outcome":"ok","status_code":200,"input_tokens":294,"output_tokens":8,"cache_read_tokens":1920,"cache_write_tokens":0,"cost_usd":0.0003224,"latency_ms":7.1,"stream":true,"analysis":{"waste":{"total":22}}}}
    """#

    func model(calls: Int) -> TopModel {
        var model = TopModel()
        let call = TopModel.call(fromEvent: Self.event)!
        for index in 0..<calls {
            var copy = call
            copy.at = Date(timeIntervalSinceNow: Double(index - calls))
            copy.source = "source-\(index)"
            model.add(copy)
        }
        return model
    }

    @Test(arguments: [(40, 10), (80, 24), (200, 60)])
    func fitsTheTerminal(width: Int, height: Int) {
        let lines = TopRenderer(width: width, height: height, url: "http://127.0.0.1:8420").render(model(calls: 100), now: Date())
        #expect(lines.count == height)
        let visible = lines.map { $0.replacingOccurrences(of: "\u{1B}[33m", with: "").replacingOccurrences(of: "\u{1B}[31m", with: "")
            .replacingOccurrences(of: "\u{1B}[0m", with: "") }
        #expect(visible.allSatisfy { $0.count <= width })
        // newest first, right under the column titles, the source as wide as the terminal allows
        #expect(lines[5].contains(width >= 80 ? "source-99" : "sour"))
    }

    @Test func rollingFigures() throws {
        let model = model(calls: 3)
        #expect(model.callsPerMinute(now: Date()) == 3)
        #expect(abs(model.costPerHour(now: Date()) - 3 * 0.0003224) < 1e-12)
        #expect(abs(model.cacheHitRate(now: Date()) - 1920.0 / 2214.0) < 1e-9)
        #expect(abs(model.wasteRate(now: Date()) - 22.0 / 2214.0) < 1e-9)
        #expect(TopModel.call(fromEvent: #"{"type":"alert"}"#) == nil)
    }
}
