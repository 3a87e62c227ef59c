import ArgumentParser
import Foundation
import Insights
import Providers

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse a prompt trace for cacheability and waste.",
        discussion: """
            The trace is a provider request body (OpenAI chat or Responses, Anthropic messages, Gemini \
            generateContent), a JSON list of chat messages, or several request bodies (a JSON list, \
            {"requests": [...]} or JSON Lines, one per turn). Runs locally; no daemon needed. Token counts \
            are estimates. Exit status: 0 analysed, 2 unreadable or unrecognised input.
            """)

    @Argument(help: "The trace file, or - for standard input.")
    var file: String

    @Option(name: .long, help: "human (default) or json.")
    var format: OutputFormat = .human

    @Flag(name: .long, help: "Show each finding's details and suggestion.")
    var suggestions = false

    @Flag(name: .customLong("score-only"), help: "Print only the cacheability score (0-100).")
    var scoreOnly = false

    @Option(name: .customLong("min-tokens"), help: "Findings about fewer tokens are not shown.")
    var minTokens: Int = 50

    func validate() throws {
        guard minTokens >= 0 else { throw ValidationError("--min-tokens must be 0 or more") }
    }

    func run() throws {
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else if let data = FileManager.default.contents(atPath: file) {
            bytes = Array(data)
        } else {
            FileHandle.standardError.write(Data("tokenlens analyze: cannot read \(file)\n".utf8))
            throw ExitCode(2)
        }
        let trace: PromptTrace
        do {
            trace = try PromptTrace.parse(bytes)
        } catch {
            FileHandle.standardError.write(Data("tokenlens analyze: \(file == "-" ? "standard input" : file): \(error)\n".utf8))
            throw ExitCode(2)
        }
        let report = CacheabilityAnalyzer.analyze(trace, options: .init(minTokens: minTokens))
        if scoreOnly {
            print(report.score)
        } else if format == .json {
            print(JSONWriter.serialize(report.json))
        } else {
            print(Self.text(report, details: suggestions), terminator: "")
        }
    }

    static func text(_ report: CacheabilityReport, details: Bool) -> String {
        func n(_ value: Int) -> String { NumberText.grouped(value) }
        var lines = ["Cacheability score: \(report.score)/100"]
        let requests = report.requests == 1 ? "1 request" : "\(report.requests) requests"
        lines.append("  \(report.provider) \(report.endpoint), \(requests), \(report.messages) messages, ~\(n(report.totalTokens)) tokens (estimated)")
        lines.append("  stable prefix ~\(n(report.stablePrefixTokens)) tokens: tools \(n(report.toolTokens)) · system \(n(report.systemTokens)) · history \(n(report.historyTokens)); last message ~\(n(report.queryTokens))")
        lines.append("  cacheable ~\(n(report.cacheableTokens)) tokens (\(String(format: "%.1f", report.cacheableShare * 100))%; providers cache from ~\(n(report.minimumCacheableTokens)))")
        if let reused = report.reusedPrefixTokens, let reusable = report.reusablePromptTokens {
            let share = reusable == 0 ? 0 : Double(reused) / Double(reusable) * 100
            lines.append("  across turns: ~\(n(reused)) of ~\(n(reusable)) prompt tokens reused from the turn before (\(String(format: "%.1f", share))%), \(report.cacheBreaks.count) cache break(s)")
        }
        lines.append("")
        if report.findings.isEmpty {
            lines.append("No findings.")
        } else {
            lines.append("Findings (\(report.findings.count)):")
            for finding in report.findings {
                let at = finding.request.map { " (request \($0))" } ?? ""
                lines.append("  [\(finding.severity.rawValue)] \(finding.id)\(at): \(finding.title)")
                if details {
                    lines.append("      \(finding.detail)")
                    lines.append("      → \(finding.suggestion)")
                }
            }
            if !details { lines.append("(--suggestions shows what to do about each)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
