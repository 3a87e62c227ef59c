@testable import Insights
import Testing

/// A month's pattern tally is the merge of its days' tallies: the same counts, sessions,
/// calls, extra cost and example calls as one tally over every pattern.
struct PatternTallyTests {
    struct Summary: Equatable {
        var source: String
        var count: Int
        var sessions: Int
        var calls: Int
        var extraCostPico: Int64
        var examples: [String]
    }

    static func summaries(_ tally: PatternTally, _ kind: SessionPattern.Kind) -> [Summary] {
        tally.summaries(kind).map {
            Summary(source: $0.source, count: $0.count, sessions: $0.sessions, calls: $0.calls,
                    extraCostPico: $0.extraCostPico, examples: $0.exampleCallIDs)
        }
    }

    static func pattern(_ index: Int, kind: SessionPattern.Kind) -> SessionPattern {
        SessionPattern(kind: kind, sessionID: "session-\(index % 7)", source: "source-\(index % 5)",
                       callIDs: (0...(index % 4)).map { "call-\(index)-\($0)" }, timestampMicros: Int64(index),
                       extraCostPico: Int64((index * 37) % 11) * 1_000, figures: [], detail: "")
    }

    @Test func mergedDaysEqualOneTally() {
        let kinds: [SessionPattern.Kind] = [.retryLoop, .cacheBreak, .duplicateRequest]
        let patterns = (0..<300).map { Self.pattern($0, kind: kinds[$0 % 3]) }
        let whole = PatternTally(patterns)
        var merged = PatternTally()
        for day in stride(from: 0, to: patterns.count, by: 40) {
            merged.merge(PatternTally(Array(patterns[day..<min(day + 40, patterns.count)])))
        }
        for kind in kinds {
            let expected = Self.summaries(whole, kind)
            #expect(expected.count == 5)
            #expect(Self.summaries(merged, kind) == expected)
        }
        // The examples are the costliest patterns' calls, costliest first (ties: the earlier),
        // ten at most.
        let costliest = patterns.enumerated().filter { $0.element.kind == .retryLoop && $0.element.source == "source-0" }
            .sorted { ($0.element.extraCostPico, -$0.offset) > ($1.element.extraCostPico, -$1.offset) }
            .flatMap(\.element.callIDs).prefix(10)
        #expect(Self.summaries(whole, .retryLoop).first?.examples == Array(costliest))
        #expect(Self.summaries(whole, .retryLoop).first?.calls == patterns
            .filter { $0.kind == .retryLoop && $0.source == "source-0" }.reduce(0) { $0 + $1.callIDs.count })
    }
}
