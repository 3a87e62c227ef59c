import Foundation
import Insights

/// Exact token counting with the bundled o200k and cl100k vocabularies: load time and memory
/// of each table, and counting speed over English-like text, code-like text and one long word.
enum TokenizerBenchmark {
    static func run() async throws {
        print("## Tokenizer\n")
        print("| encoding | load ms | resident MB after load | text | MB | tokens | ms | MB/s |")
        print("|---|---:|---:|---|---:|---:|---:|---:|")
        var generator = SplitMix64(seed: 7)
        let words = ["the", "request", "token", "cost", "budget", "model", "provider", "cache", "stream", "policy",
                     "analysis", "TokenLens", "é", "naïve", "数据", "😀", "  ", "\n", "1234", "x"]
        let prose = (0..<400_000).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
        let code = String(repeating: "func handle(_ request: Request) async throws -> Response { let x = [1, 2, 3].map { $0 * 2 }\n", count: 12_000)
        let word = String(repeating: "a", count: 200_000)
        for encoding in [TokenEncoding.o200kBase, .cl100kBase] {
            let before = residentMB()
            let start = ContinuousClock.now
            let counter = TokenCounter(encoding: encoding, store: VocabularyStore.bundled)
            let loadMs = milliseconds(ContinuousClock.now - start)
            let loaded = residentMB() - before
            for (name, text) in [("prose", prose), ("code", code), ("one long word", word)] {
                var best = Double.infinity
                var tokens = 0
                for _ in 0..<5 {
                    let clock = ContinuousClock.now
                    tokens = counter.count(text)
                    best = min(best, milliseconds(ContinuousClock.now - clock))
                }
                let megabytes = Double(text.utf8.count) / 1_048_576
                print(String(format: "| %@ | %.0f | %.1f | %@ | %.2f | %d | %.1f | %.1f |", encoding.rawValue, loadMs, loaded, name,
                             megabytes, tokens, best, megabytes / (best / 1000)))
            }
        }
        print()
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func residentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kB = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
        return kB / 1024
    }
}
