import ArgumentParser
import Foundation

/// `--port` / `--host` of the commands that talk to a running daemon. Without them, the
/// config file's `[server]` host and port, else 127.0.0.1:8420.
struct DaemonAddress: ParsableArguments {
    @Option(name: .long, help: "The daemon's port (default: [server] port of --config, else 8420).")
    var port: Int?

    @Option(name: .long, help: "The daemon's address (default: [server] host of --config, else 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "The config file, for the daemon's address and data folder.")
    var config: String = "config.toml"

    var client: DaemonClient {
        let server = StoreLocation.snapshot(config: config)?.server
        var host = self.host ?? server?.host ?? "127.0.0.1"
        // A daemon listening on every interface is reached on loopback.
        if host == "0.0.0.0" || host == "::" { host = "127.0.0.1" }
        return DaemonClient(host: host, port: port ?? server?.port ?? 8420)
    }
}
