import ArgumentParser
import Foundation
import Providers

struct StatusCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether the daemon runs, with its database, policy and recorder state.",
        discussion: "Reads GET /api/status. Exit status: 0 running, 1 not running (or not answering).")

    @OptionGroup var address: DaemonAddress

    @Flag(name: .long, help: "Print the daemon's status JSON as is.")
    var json = false

    func runAsync() async throws {
        let client = address.client
        let status: JSONValue
        do {
            status = try await client.json("/api/status")
        } catch let error as DaemonClient.Unreachable {
            FileHandle.standardError.write(Data("tokenlens: \(error)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("tokenlens: \(client.baseURL) answered, but not as TokenLens: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            print(JSONWriter.serialize(status))
            return
        }
        print(Self.render(status, url: client.baseURL), terminator: "")
    }

    static func render(_ status: JSONValue, url: String) -> String {
        let db = status["db"]
        let policy = status["policy"]
        let recorder = status["recorder"]
        var lines = ["TokenLens \(status["version"]?.stringValue ?? "?") running on \(url) (up \(uptime(status["uptime_s"]?.doubleValue ?? 0)))"]
        lines.append("  database   \(db?["path"]?.stringValue ?? "?"): \(number(db?["calls"])) calls, \(megabytes(db?["size_bytes"]?.doubleValue ?? 0))")
        var policyLine = "  policy     \(policy?["version"]?.stringValue ?? "?"), \(number(policy?["reloads"])) reloads"
        if let error = policy?["last_error"], !error.isNull {
            policyLine += "; last reload failed: \(error["message"]?.stringValue ?? "?")"
        }
        lines.append(policyLine)
        lines.append("  recorder   \(number(recorder?["written"])) written, \(number(recorder?["pending"])) pending, \(number(recorder?["dropped"])) dropped")
        if let retention = status["retention_days"]?.intValue { lines.append("  retention  \(retention) days") }
        if status["request_logging"]?["enabled"]?.boolValue == true { lines.append("  logging    request bodies captured (secrets redacted)") }
        if let hooks = status["webhooks"], hooks["enabled"]?.boolValue == true {
            lines.append("  webhooks   \(number(hooks["delivered"])) delivered, \(number(hooks["failed"])) failed, \(number(hooks["refused"])) refused")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: JSONValue?) -> String { String(value?.intValue ?? 0) }

    static func uptime(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(total % 60)s" }
        if total < 86_400 { return "\(total / 3600)h \(total % 3600 / 60)m" }
        return "\(total / 86_400)d \(total % 86_400 / 3600)h"
    }

    static func megabytes(_ bytes: Double) -> String {
        bytes < 1_048_576 ? String(format: "%.0f KiB", bytes / 1024) : String(format: "%.1f MiB", bytes / 1_048_576)
    }
}
