import ArgumentParser
import Foundation
import Notify
import Policy
import Providers
import Recorder

struct ReportCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print (or send) the cost digest: spend, top sources and models, waste, budget projection.",
        discussion: """
            Asks the running daemon (GET /api/digest); when no daemon answers, reads the database \
            directly (the data folder of --config). --send asks the daemon to deliver it now as a \
            weekly_digest webhook (POST /api/digest/send), which needs a running daemon with webhooks set up. \
            Exit status: 0 done, 1 the daemon could not send it or could not be reached for --send, 2 no data.
            """)

    @Option(name: .long, help: "Days to include, today included.")
    var days: Int = 7

    @Option(name: .long, help: "human (default) or json.")
    var format: OutputFormat = .human

    @Flag(name: .long, help: "Deliver the digest as a weekly_digest webhook now.")
    var send = false

    @OptionGroup var address: DaemonAddress

    func validate() throws {
        guard (1...366).contains(days) else { throw ValidationError("--days must be between 1 and 366") }
    }

    func runAsync() async throws {
        let client = address.client
        if send {
            try await sendDigest(client)
            return
        }
        let digest: JSONValue
        do {
            digest = try await client.json("/api/digest?days=\(days)")
        } catch is DaemonClient.Unreachable {
            digest = try await localDigest()
        }
        switch format {
        case .json: print(JSONWriter.serialize(digest))
        case .human: print(DigestText.render(digest), terminator: "")
        }
    }

    func sendDigest(_ client: DaemonClient) async throws {
        let (status, body) = try await client.post("/api/digest/send?days=\(days)")
        let answer = try? JSONReader.parse(body)
        if format == .json { print(String(decoding: body, as: UTF8.self)) }
        guard (200..<300).contains(status), answer?["sent"]?.boolValue == true else {
            let reason = answer?["reason"]?.stringValue ?? answer?["error"]?["message"]?.stringValue ?? "the daemon answered \(status)"
            FileHandle.standardError.write(Data("tokenlens: the digest was not sent: \(reason)\n".utf8))
            throw ExitCode(1)
        }
        if format == .human {
            print("weekly digest queued for delivery (\(answer?["delivery_id"]?.stringValue ?? "?")); see GET /api/webhooks/deliveries")
        }
    }

    /// The digest built from the database, when no daemon runs.
    func localDigest() async throws -> JSONValue {
        let store: CallStore
        do {
            store = try StoreLocation.open(config: address.config, db: nil)
        } catch {
            FileHandle.standardError.write(Data("tokenlens: no daemon on \(address.client.baseURL), and \(error)\n".utf8))
            throw ExitCode(2)
        }
        let snapshot = StoreLocation.snapshot(config: address.config) ?? PolicySnapshot(version: "none")
        let digest = try await DigestBuilder(store: store).build(days: days, snapshot: snapshot)
        return DigestPayload.value(digest)
    }
}
