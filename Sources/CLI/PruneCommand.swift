import ArgumentParser
import Foundation
import Providers
import Recorder

struct PruneCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete calls older than [storage] retention_days (dry run unless --apply).",
        discussion: """
            Calls before the first of the last N UTC days are folded into daily rollups (per day, source, \
            model and provider), so /api/usage/daily, kpi and sources keep their totals, and then deleted \
            with their request logs. Works on the database directly, with or without a running daemon \
            (which also prunes once a day when retention_days is set). Exit status: 0 done, 2 no database \
            or no retention set.
            """)

    @Flag(name: .long, help: "Delete; without it, only print what would be deleted.")
    var apply = false

    @Option(name: .long, help: "Keep this many days instead of [storage] retention_days.")
    var days: Int?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Option(name: .long, help: "The config file (retention_days and the data folder).")
    var config: String = "config.toml"

    @Option(name: .long, help: "The database file (overrides --config).")
    var db: String?

    func validate() throws {
        if let days, !(1...36_500).contains(days) { throw ValidationError("--days must be between 1 and 36500") }
    }

    func runAsync() async throws {
        guard let retention = days ?? StoreLocation.snapshot(config: config)?.storage.retentionDays else {
            FileHandle.standardError.write(Data("tokenlens: no retention set: add `retention_days = N` to [storage] in \(config), or pass --days N\n".utf8))
            throw ExitCode(2)
        }
        let store: CallStore
        do {
            store = try StoreLocation.open(config: config, db: db)
        } catch {
            FileHandle.standardError.write(Data("tokenlens: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let report = apply ? try await store.prune(retentionDays: retention) : try await store.prunePlan(retentionDays: retention)
        if json {
            print(JSONWriter.serialize(Self.json(report)))
        } else {
            print(Self.text(report), terminator: "")
        }
    }

    static func text(_ report: PruneReport) -> String {
        let verb = report.applied ? "deleted" : "would delete"
        let keep = "keeping the last \(report.retentionDays) days (from \(TimeWindow(days: report.retentionDays).dayLabels.first ?? "") UTC)"
        guard report.calls > 0 || report.requestLogs > 0 else {
            return "nothing to prune: no calls older than \(report.retentionDays) days\n"
        }
        var lines = ["\(report.applied ? "pruned" : "dry run"): \(verb) \(report.calls) calls from \(report.days.count) days"
                     + String(format: " ($%.6f)", Picodollars.usd(report.costPico)) + " and \(report.requestLogs) request logs, \(keep)"]
        for day in report.days {
            lines.append("  \(day.date)  \(day.calls) calls" + String(format: "  $%.6f", Picodollars.usd(day.costPico)))
        }
        lines.append(report.applied
            ? "daily totals were kept as rollups: usage charts and totals are unchanged"
            : "daily totals will be kept as rollups; run again with --apply to delete")
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ report: PruneReport) -> JSONValue {
        func object(_ members: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(members.map { (key: $0.0, value: $0.1) })) }
        return object([
            ("applied", .bool(report.applied)),
            ("retention_days", .int(Int64(report.retentionDays))),
            ("cutoff", .string(TimeWindow(days: report.retentionDays).dayLabels.first ?? "")),
            ("calls", .int(report.calls)),
            ("cost_usd", .double(Picodollars.usd(report.costPico))),
            ("request_logs", .int(report.requestLogs)),
            ("days", .array(report.days.map { day in
                object([("date", .string(day.date)), ("calls", .int(day.calls)), ("cost_usd", .double(Picodollars.usd(day.costPico)))])
            })),
        ])
    }
}
