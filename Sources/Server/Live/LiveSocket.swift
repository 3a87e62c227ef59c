import HummingbirdWebSocket
import Logging

/// `/api/live`: one WebSocket text message per recorded call (`{"type":"call","call":{...}}`),
/// newest as they are committed. The connection ends when the client closes it or the daemon
/// stops.
enum LiveSocket {
    static let path = "/api/live"

    static func serve(bus: LiveBus, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let events = bus.subscribe()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    do { try await outbound.write(.text(event)) } catch { return }
                }
            }
            group.addTask {
                // Reading drives ping/pong and notices the close; clients have nothing to say.
                do { for try await _ in inbound {} } catch {}
            }
            await group.next()
            group.cancelAll()
        }
    }
}
