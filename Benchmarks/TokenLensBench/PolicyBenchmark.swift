import Foundation
import Logging
import Policy
import Providers

/// Policy compile time for a large rule set, and the time from a policy file being renamed
/// into place to the new snapshot serving.
enum PolicyBenchmark {
    static func largeSources() -> PolicySources {
        var quotas = "kill_switches = [\"stopped\"]\n"
        for index in 0..<10_000 {
            quotas += "\n# team \(index)\n[[source_limits]]\nsource = \"agent-\(index)\"\ndaily_usd = \(index % 50 + 1).5\nmonthly_usd = \(index % 50 + 10)\n"
        }
        var routing = ""
        let targets = ["gpt-4o-mini", "gpt-4.1-mini", "gpt-5-mini", "claude-haiku-4-5", "gemini-2.5-flash"]
        for index in 0..<1_000 {
            routing += "[[aliases]]\nfrom = \"team-model-\(index)\"\nto = \"\(targets[index % targets.count])\"\n\n"
        }
        var guardrails = "[pii_detection]\nenabled = true\naction = \"warn\"\n\n"
        for index in 0..<200 {
            guardrails += "[[custom_rules]]\nname = \"rule-\(index)\"\npattern = '\\b(?:project|codename)-\(index)-[A-Z]{3}\\d{2,4}\\b'\naction = \"\(index % 2 == 0 ? "warn" : "block")\"\n\n"
        }
        return PolicySources(
            config: .init(path: "config.toml", bytes: Array("[storage]\npath = \"/tmp/tokenlens-bench\"\n".utf8)),
            policies: [.init(path: "policies/guardrails.toml", bytes: Array(guardrails.utf8)),
                       .init(path: "policies/quotas.toml", bytes: Array(quotas.utf8)),
                       .init(path: "policies/routing.toml", bytes: Array(routing.utf8))],
            policyDirectory: "policies")
    }

    static func run() async throws {
        let sources = largeSources()
        let size = sources.allFiles.reduce(0) { $0 + $1.bytes.count }
        var times: [Double] = []
        var last: PolicyCompiler.Result?
        for _ in 0..<15 {
            let start = ContinuousClock.now
            last = PolicyCompiler.compile(sources)
            times.append(milliseconds(ContinuousClock.now - start))
        }
        guard let result = last, let snapshot = result.snapshot else {
            print("compile failed: \(last?.errors.prefix(3).map(\.formatted) ?? [])")
            return
        }
        times.sort()
        print("## Policy compile\n")
        print("10,000 source limits, 1,000 aliases, 200 custom PCRE2 rules (JIT) in \(size / 1024) KiB of TOML; 15 runs.\n")
        print("| p50 ms | min ms | max ms | source limits | aliases | custom rules | warnings |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        print(String(format: "| %.1f | %.1f | %.1f | %d | %d | %d | %d |", times[times.count / 2], times[0], times[times.count - 1],
                     snapshot.rules.sourceLimits.count, snapshot.rules.aliases.count, snapshot.rules.customRules.count,
                     result.warnings.count))
        print("")
        try await reload()
    }

    /// Writes a new quotas.toml next to the old one and renames it over it (the way most
    /// editors and `git checkout` replace files), then waits for the watcher to swap.
    static func reload() async throws {
        let folder = NSTemporaryDirectory() + "tokenlens-reload-\(UUID().uuidString)"
        let policies = folder + "/policies"
        try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configPath = folder + "/config.toml"
        try "[storage]\npath = \"\(folder)/data\"\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        let quotas = policies + "/quotas.toml"
        try "kill_switches = []\n".write(toFile: quotas, atomically: true, encoding: .utf8)
        let initial = try PolicySources.load(configPath: configPath)
        guard let snapshot = PolicyCompiler.compile(initial).snapshot else { return }
        let store = SnapshotStore(snapshot)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let reloader = PolicyReloader(configPath: configPath, store: store, logger: logger)
        let watcher = try FileWatcher(directories: [folder, policies], isRelevant: { _, name in name.hasSuffix(".toml") },
                                      onChange: { Task { await reloader.reload(reason: "bench") } })
        watcher.start()
        defer { watcher.stop() }
        try await Task.sleep(for: .milliseconds(100))
        var samples: [Double] = []
        for index in 0..<40 {
            let before = store.snapshot.version
            let temporary = policies + "/.quotas.toml.tmp"
            try "kill_switches = [\"agent-\(index)\"]\n".write(toFile: temporary, atomically: false, encoding: .utf8)
            let start = ContinuousClock.now
            rename(temporary, quotas)
            while store.snapshot.version == before {
                if ContinuousClock.now - start > .seconds(2) { break }
                try await Task.sleep(for: .microseconds(200))
            }
            samples.append(milliseconds(ContinuousClock.now - start))
            try await Task.sleep(for: .milliseconds(30))
        }
        samples.sort()
        print("## Policy hot swap\n")
        print("Rename of a new quotas.toml over the old one → new snapshot serving (inotify, 10 ms debounce, compile, swap); 40 runs.\n")
        print("| p50 ms | p90 ms | max ms |")
        print("|---:|---:|---:|")
        print(String(format: "| %.1f | %.1f | %.1f |", samples[samples.count / 2], samples[samples.count * 9 / 10], samples[samples.count - 1]))
        print("")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
