import ArgumentParser
import Foundation
import Insights
import Providers
import Recorder

struct StatsCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Usage totals for a window, with assertions for CI.",
        discussion: """
            Reads the database directly (the daemon may be running or not): --db PATH, else usage.db in \
            the data folder of --config. The error rate is the share of calls that ended in an upstream \
            error. A retry loop is one request (same fingerprint: model, body and source) sent 3 or more \
            times, each within a few seconds of the last. Exit status: 0 every assertion holds, \
            1 an assertion failed (one line per failure on stderr), 2 no database.
            """)

    @Option(name: .long, help: "Days to include, today included.")
    var days: Int = 7

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Option(name: .customLong("assert-budget"), help: ArgumentHelp("Fail when the window's known cost exceeds this many USD.", valueName: "USD"))
    var assertBudget: Double?

    @Option(name: .customLong("assert-error-rate"), help: ArgumentHelp("Fail when more than this percentage of calls failed upstream.", valueName: "PCT"))
    var assertErrorRate: Double?

    @Flag(name: .customLong("assert-no-retry-loops"), help: "Fail when a retry loop is found.")
    var assertNoRetryLoops = false

    @Option(name: .customLong("retry-gap-seconds"), help: "Longest pause between repeats of a retry loop.")
    var retryGapSeconds: Double = RetryLoopDetector.defaultWindowSeconds

    @Option(name: .long, help: "The config file, to find the data folder.")
    var config: String = "config.toml"

    @Option(name: .long, help: "The database file (overrides --config).")
    var db: String?

    func validate() throws {
        guard (1...3660).contains(days) else { throw ValidationError("--days must be between 1 and 3660") }
        if let assertBudget, assertBudget < 0 { throw ValidationError("--assert-budget must be 0 or more") }
        if let assertErrorRate, !(0...100).contains(assertErrorRate) { throw ValidationError("--assert-error-rate is a percentage, 0 to 100") }
    }

    func runAsync() async throws {
        let store: CallStore
        do {
            store = try StoreLocation.open(config: config, db: db)
        } catch {
            FileHandle.standardError.write(Data("tokenlens: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let window = TimeWindow(days: days)
        let totals = try await store.totals(in: window)
        let sources = try await store.sources(in: window)
        let loops = try await store.retryLoops(in: window, detector: RetryLoopDetector(windowSeconds: retryGapSeconds))
        let stats = UsageStats(window: window, totals: totals, sources: sources, retryLoops: loops)
        let failures = stats.failedAssertions(budgetUSD: assertBudget, errorRatePercent: assertErrorRate,
                                              noRetryLoops: assertNoRetryLoops)
        if json {
            print(JSONWriter.serialize(stats.json(failures: failures, checked: checkedAssertions)))
        } else {
            print(stats.text, terminator: "")
        }
        guard failures.isEmpty else {
            for failure in failures { FileHandle.standardError.write(Data("tokenlens stats: \(failure)\n".utf8)) }
            throw ExitCode(1)
        }
    }

    var checkedAssertions: [String] {
        var names: [String] = []
        if assertBudget != nil { names.append("budget") }
        if assertErrorRate != nil { names.append("error_rate") }
        if assertNoRetryLoops { names.append("no_retry_loops") }
        return names
    }
}

/// The numbers `tokenlens stats` prints and asserts on.
struct UsageStats {
    var window: TimeWindow
    var totals: UsageTotals
    var sources: [SourceUsage]
    var retryLoops: [SessionPattern]

    var errorRatePercent: Double {
        totals.calls == 0 ? 0 : Double(totals.errors) / Double(totals.calls) * 100
    }

    var costUSD: Double { Picodollars.usd(totals.costPico) }

    /// One line per failed assertion, each saying what was found against what was allowed.
    func failedAssertions(budgetUSD: Double?, errorRatePercent limit: Double?, noRetryLoops: Bool) -> [String] {
        var failures: [String] = []
        if let budgetUSD, costUSD > budgetUSD {
            failures.append(String(format: "budget exceeded: $%.6f spent in the last %d days, the budget is $%.2f", costUSD, window.days, budgetUSD))
        }
        if let limit, errorRatePercent > limit {
            failures.append(String(format: "error rate %.2f%% (%lld of %lld calls) is above %.2f%%", errorRatePercent, totals.errors, totals.calls, limit))
        }
        if noRetryLoops, let worst = retryLoops.max(by: { $0.callIDs.count < $1.callIDs.count }) {
            failures.append("\(retryLoops.count) retry loop(s) found; the longest: \(worst.callIDs.count) identical requests from \(worst.source)"
                            + (worst.model.map { " to \($0)" } ?? "") + " within \(Self.seconds(worst.lastTimestampMicros - worst.timestampMicros))")
        }
        return failures
    }

    static func seconds(_ micros: Int64) -> String {
        String(format: "%.1f s", Double(micros) / 1_000_000)
    }

    var text: String {
        var lines = ["TokenLens stats: last \(window.days) days (\(window.dayLabels.first ?? "") to \(window.dayLabels.last ?? ""), UTC)"]
        lines.append("  calls        \(totals.calls) (\(NumberText.counted(Int(totals.errors), "error")), \(String(format: "%.2f", errorRatePercent))%; \(totals.blocked) blocked)")
        lines.append("  cost         \(String(format: "$%.6f", costUSD))"
                     + (totals.unpricedCalls > 0 ? " (\(NumberText.counted(Int(totals.unpricedCalls), "unpriced call")) not included)" : ""))
        lines.append("  tokens       input \(totals.inputTokens) · output \(totals.outputTokens) · cache read \(totals.cacheReadTokens) · cache write \(totals.cacheWriteTokens) · reasoning \(totals.reasoningTokens)")
        lines.append("  cache hits   \(String(format: "%.1f", totals.cacheHitRate * 100))% of prompt tokens")
        lines.append("  retry loops  \(retryLoops.count)")
        for source in sources.prefix(5) {
            lines.append("  \(source.source): \(NumberText.counted(Int(source.totals.calls), "call")), \(String(format: "$%.6f", Picodollars.usd(source.totals.costPico))), \(NumberText.counted(Int(source.totals.errors), "error"))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func json(failures: [String], checked: [String]) -> JSONValue {
        func object(_ members: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(members.map { (key: $0.0, value: $0.1) })) }
        return object([
            ("days", .int(Int64(window.days))),
            ("from", .string(window.dayLabels.first ?? "")),
            ("to", .string(window.dayLabels.last ?? "")),
            ("calls", .int(totals.calls)),
            ("errors", .int(totals.errors)),
            ("blocked", .int(totals.blocked)),
            ("error_rate_pct", .double((errorRatePercent * 100).rounded() / 100)),
            ("cost_usd", .double(costUSD)),
            ("unpriced_calls", .int(totals.unpricedCalls)),
            ("input_tokens", .int(totals.inputTokens)),
            ("output_tokens", .int(totals.outputTokens)),
            ("cache_read_tokens", .int(totals.cacheReadTokens)),
            ("cache_write_tokens", .int(totals.cacheWriteTokens)),
            ("reasoning_tokens", .int(totals.reasoningTokens)),
            ("cache_hit_rate", .double((totals.cacheHitRate * 10_000).rounded() / 10_000)),
            ("retry_loops", .array(retryLoops.map { loop in
                object([("session", .string(loop.sessionID)), ("source", .string(loop.source)),
                        ("model", loop.model.map(JSONValue.string) ?? .null), ("count", .int(Int64(loop.callIDs.count))),
                        ("call_ids", .array(loop.callIDs.map(JSONValue.string)))])
            })),
            ("sources", .array(sources.map { source in
                object([("source", .string(source.source)), ("calls", .int(source.totals.calls)),
                        ("errors", .int(source.totals.errors)), ("cost_usd", .double(Picodollars.usd(source.totals.costPico)))])
            })),
            ("assertions", object([
                ("checked", .array(checked.map(JSONValue.string))),
                ("passed", .bool(failures.isEmpty)),
                ("failures", .array(failures.map(JSONValue.string))),
            ])),
        ])
    }
}
