import Foundation

// In-process benchmarks, run on demand (`make bench`), never in CI. Each prints a Markdown
// section; timings are wall-clock on this machine, release build.
let arguments = CommandLine.arguments.dropFirst()
let selected = arguments.first ?? "all"
let benchmarks: [(name: String, run: () async throws -> Void)] = [
    ("recorder", RecorderBenchmark.run),
    ("policy", PolicyBenchmark.run),
    ("analysis", AnalysisBenchmark.run),
    ("tokenizer", TokenizerBenchmark.run),
    ("callpath", CallPathBenchmark.run),
]
var ran = false
for benchmark in benchmarks where selected == "all" || selected == benchmark.name {
    try await benchmark.run()
    ran = true
}
if !ran {
    print("usage: tokenlens-bench [all|\(benchmarks.map(\.name).joined(separator: "|"))]")
    exit(2)
}
