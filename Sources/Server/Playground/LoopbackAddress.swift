import Synchronization

/// The address the daemon's own proxy answers on, known once the server is bound (the port
/// may be 0 in the config).
final class LoopbackAddress: Sendable {
    private let port = Atomic<Int>(0)
    let host: String

    /// The host to reach a server bound to `boundHost` from the same machine.
    init(boundHost: String) {
        switch boundHost.lowercased() {
        case "0.0.0.0", "localhost", "127.0.0.1", "": host = "127.0.0.1"
        case "::", "::1", "[::1]", "[::]": host = "[::1]"
        default: host = URLHost.bracketed(boundHost)
        }
    }

    func bound(to port: Int) {
        self.port.store(port, ordering: .releasing)
    }

    var baseURL: String? {
        let port = port.load(ordering: .acquiring)
        return port == 0 ? nil : "http://\(host):\(port)"
    }
}
