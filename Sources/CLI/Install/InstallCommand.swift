import ArgumentParser
import Foundation

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install TokenLens as a background service and point your shell's SDKs at it.",
        discussion: """
            Copies this binary to ~/.tokenlens/bin, writes ~/.tokenlens/config.toml (if missing), an env file \
            with ANTHROPIC_BASE_URL, OPENAI_BASE_URL and the Gemini base URL, hooks it into bash, zsh and fish \
            start-up (idempotently), and registers a systemd user service (or prints what to run where systemd \
            is absent). Undo with `tokenlens uninstall`.
            """)

    @Option(name: .long, help: "The port the daemon listens on.")
    var port: Int = 8420

    @Flag(name: .long, help: "Write the files but do not start the service.")
    var noStart = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let layout = InstallLayout(home: environment["HOME"] ?? NSHomeDirectory(), environment: environment)
        let files = FileManager.default
        for folder in [layout.dataHome + "/bin", layout.policies, (layout.unit as NSString).deletingLastPathComponent] {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        // The service runs a copy, so rebuilding or moving the original does not break it.
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        if (executable as NSString).standardizingPath != layout.binary {
            try? files.removeItem(atPath: layout.binary)
            try files.copyItem(atPath: executable, toPath: layout.binary)
            let resources = (executable as NSString).deletingLastPathComponent + "/tokenlens_Insights.resources"
            let copied = layout.dataHome + "/bin/tokenlens_Insights.resources"
            if files.fileExists(atPath: resources) {
                try? files.removeItem(atPath: copied)
                try files.copyItem(atPath: resources, toPath: copied)
            }
        }
        if !files.fileExists(atPath: layout.config) {
            try InstallLayout.defaultConfig.replacingOccurrences(of: "port = 8420", with: "port = \(port)")
                .write(toFile: layout.config, atomically: true, encoding: .utf8)
        }
        if (try? files.contentsOfDirectory(atPath: layout.policies))?.isEmpty ?? true {
            try InstallLayout.defaultQuotas.write(toFile: layout.policies + "/quotas.toml", atomically: true, encoding: .utf8)
        }
        try ShellHooks.posixEnvironment(port: port).write(toFile: layout.envPOSIX, atomically: true, encoding: .utf8)
        try ShellHooks.fishEnvironment(port: port).write(toFile: layout.envFish, atomically: true, encoding: .utf8)

        let shell = environment["SHELL"] ?? ""
        var hooked: [String] = []
        let posixHook = "[ -f \"\(layout.envPOSIX)\" ] && . \"\(layout.envPOSIX)\""
        for (rc, wanted) in [(layout.bashrc, true), (layout.zshrc, files.fileExists(atPath: layout.zshrc) || shell.hasSuffix("zsh"))] where wanted {
            let text = (try? String(contentsOfFile: rc, encoding: .utf8)) ?? ""
            try ShellHooks.installing(block: posixHook, into: text).write(toFile: rc, atomically: true, encoding: .utf8)
            hooked.append(rc)
        }
        if files.fileExists(atPath: layout.home + "/.config/fish") || shell.hasSuffix("fish") {
            try files.createDirectory(atPath: (layout.fishHook as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try "# Written by `tokenlens install`.\nif test -f \"\(layout.envFish)\"\n    source \"\(layout.envFish)\"\nend\n"
                .write(toFile: layout.fishHook, atomically: true, encoding: .utf8)
            hooked.append(layout.fishHook)
        }

        try layout.unitText(port: port).write(toFile: layout.unit, atomically: true, encoding: .utf8)
        print("installed TokenLens in \(layout.dataHome)")
        print("  shell start-up: \(hooked.joined(separator: ", ")) (open a new shell, or `. \(layout.envPOSIX)`)")
        guard !noStart else { return }
        if Systemd.userManagerAvailable {
            try Systemd.run(["daemon-reload"])
            try Systemd.run(["enable", "--now", "tokenlens.service"])
            print("  service: systemd user unit tokenlens.service enabled and started (journalctl --user -u tokenlens)")
            print("  dashboard: http://127.0.0.1:\(port)/")
        } else {
            print("  systemd is not available here; start the daemon yourself, for example:")
            print("    nohup \(layout.binary) daemon --config \(layout.config) >> \(layout.dataHome)/daemon.log 2>&1 &")
        }
    }
}

/// The systemd user manager, through `systemctl --user` (`TOKENLENS_SYSTEMCTL` may name another
/// program, for tests).
enum Systemd {
    static var systemctl: String {
        ProcessInfo.processInfo.environment["TOKENLENS_SYSTEMCTL"] ?? "/usr/bin/systemctl"
    }

    /// True when a user manager answers (`systemctl --user is-system-running` exits 0 or
    /// reports a degraded state), false on machines and containers without systemd.
    static var userManagerAvailable: Bool {
        guard FileManager.default.isExecutableFile(atPath: systemctl) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: systemctl)
        process.arguments = ["--user", "is-system-running"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        let state = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return process.terminationStatus == 0 || state.contains("degraded") || state.contains("running")
    }

    static func run(_ arguments: [String], tolerateFailure: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: systemctl)
        process.arguments = ["--user"] + arguments
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 && !tolerateFailure {
            throw ValidationError("`systemctl --user \(arguments.joined(separator: " "))` failed (status \(process.terminationStatus))")
        }
    }
}
