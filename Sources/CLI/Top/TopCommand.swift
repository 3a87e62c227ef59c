import ArgumentParser
import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import Providers
import Synchronization

struct TopCommand: AsyncCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Live htop-style view of the calls going through the daemon.",
        discussion: "Keys: q quit, p pause/resume. Exits when the daemon goes away.")

    @Option(name: .long, help: "The daemon's port.")
    var port: Int = 8420

    @Option(name: .long, help: "The daemon's address.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Redraw interval in milliseconds.")
    var refresh: Int = 250

    func runAsync() async throws {
        let daemon = DaemonClient(host: host, port: port, timeoutSeconds: 3)
        let base = daemon.baseURL
        let shared = TopShared()
        do {
            let recent = try await Self.fetchRecent(from: daemon)
            shared.model.withLock { state in for call in recent.reversed() { state.add(call) } }
        } catch let error as DaemonClient.Unreachable {
            FileHandle.standardError.write(Data("tokenlens top: \(error); start one with `tokenlens daemon`\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("tokenlens top: \(error)\n".utf8))
            throw ExitCode(1)
        }

        let terminal = Terminal()
        terminal.enterRawMode()
        defer { terminal.restore() }
        let refresh = self.refresh

        let outcome: TopEnd = await withTaskGroup(of: TopEnd.self) { group in
            group.addTask {
                var logger = Logger(label: "tokenlens.top")
                logger.logLevel = .critical
                do {
                    try await WebSocketClient.connect(url: "ws" + base.dropFirst("http".count) + "/api/live", logger: logger) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message, let call = TopModel.call(fromEvent: text) else { continue }
                            shared.model.withLock { $0.add(call) }
                            if shared.quit.load(ordering: .relaxed) { return }
                        }
                    }
                } catch {
                    if shared.quit.load(ordering: .relaxed) { return .quit }
                    shared.model.withLock { $0.lastError = "\(error)" }
                }
                return shared.quit.load(ordering: .relaxed) ? .quit : .daemonGone
            }
            group.addTask {
                // While paused the screen keeps the calls it showed; the feed keeps counting.
                var frozen: TopModel?
                while !Task.isCancelled {
                    while let key = terminal.readKey() {
                        switch key {
                        case UInt8(ascii: "q"), UInt8(ascii: "Q"):
                            shared.quit.store(true, ordering: .relaxed)
                            return .quit
                        case UInt8(ascii: "p"), UInt8(ascii: "P"):
                            shared.model.withLock { $0.paused.toggle() }
                        default:
                            break
                        }
                    }
                    let live = shared.model.withLock { $0 }
                    if live.paused, frozen == nil { frozen = live } else if !live.paused { frozen = nil }
                    var shown = frozen ?? live
                    shown.paused = live.paused
                    shown.connected = live.connected
                    let size = terminal.size
                    terminal.draw(TopRenderer(width: size.width, height: size.height, url: base).render(shown, now: Date()))
                    try? await Task.sleep(for: .milliseconds(max(50, refresh)))
                }
                return .quit
            }
            let first = await group.next() ?? .quit
            group.cancelAll()
            return first
        }
        terminal.restore()
        if outcome == .daemonGone {
            let reason = shared.model.withLock { $0.lastError }.map { " (\($0))" } ?? ""
            FileHandle.standardError.write(Data("tokenlens top: the daemon at \(base) went away\(reason)\n".utf8))
            throw ExitCode(1)
        }
    }

    enum TopEnd: Sendable { case quit, daemonGone }

    static func fetchRecent(from daemon: DaemonClient) async throws -> [TopModel.Call] {
        let json = try await daemon.json("/api/usage/recent?limit=200")
        return (json.arrayValue ?? []).compactMap(TopModel.Call.init(fromRecord:))
    }
}

/// State shared by the live-feed task and the drawing loop.
final class TopShared: Sendable {
    let model = Mutex(TopModel())
    let quit = Atomic<Bool>(false)
}
