import ArgumentParser
import Foundation

struct UninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove the service, the shell hooks and the installed binary.",
        discussion: "Your recorded calls, config and policies stay unless you pass --purge.")

    @Flag(name: .long, help: "Also delete all data: the database, config, policies and logs.")
    var purge = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let layout = InstallLayout(home: environment["HOME"] ?? NSHomeDirectory(), environment: environment)
        let files = FileManager.default
        if files.fileExists(atPath: layout.unit) {
            if Systemd.userManagerAvailable {
                try? Systemd.run(["disable", "--now", "tokenlens.service"], tolerateFailure: true)
            }
            try files.removeItem(atPath: layout.unit)
            if Systemd.userManagerAvailable { try? Systemd.run(["daemon-reload"], tolerateFailure: true) }
        }
        for rc in [layout.bashrc, layout.zshrc] {
            guard let text = try? String(contentsOfFile: rc, encoding: .utf8) else { continue }
            let cleaned = ShellHooks.removing(from: text)
            if cleaned != text { try cleaned.write(toFile: rc, atomically: true, encoding: .utf8) }
        }
        for file in [layout.fishHook, layout.envPOSIX, layout.envFish, layout.binary,
                     layout.dataHome + "/bin/tokenlens_Insights.resources"] where files.fileExists(atPath: file) {
            try files.removeItem(atPath: file)
        }
        if let remaining = try? files.contentsOfDirectory(atPath: layout.dataHome + "/bin"), remaining.isEmpty {
            try? files.removeItem(atPath: layout.dataHome + "/bin")
        }
        if purge, files.fileExists(atPath: layout.dataHome) {
            try files.removeItem(atPath: layout.dataHome)
            print("removed TokenLens and all its data (\(layout.dataHome))")
        } else {
            print("removed the TokenLens service and shell hooks; data kept in \(layout.dataHome) (--purge deletes it)")
        }
    }
}
