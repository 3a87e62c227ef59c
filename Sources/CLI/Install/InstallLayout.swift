import Foundation

/// Where `tokenlens install` puts things, under a home folder (a parameter, so tests can use
/// a temporary one): the data folder with the binary copy, config and env files; the systemd
/// user unit; the shell start-up files.
struct InstallLayout {
    var home: String
    var dataHome: String

    init(home: String, environment: [String: String]) {
        self.home = home
        dataHome = environment["TOKENLENS_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.tokenlens"
    }

    var binary: String { dataHome + "/bin/tokenlens" }
    var config: String { dataHome + "/config.toml" }
    var policies: String { dataHome + "/policies" }
    var envPOSIX: String { dataHome + "/env.sh" }
    var envFish: String { dataHome + "/env.fish" }
    var unit: String { home + "/.config/systemd/user/tokenlens.service" }
    var bashrc: String { home + "/.bashrc" }
    var zshrc: String { home + "/.zshrc" }
    var fishHook: String { home + "/.config/fish/conf.d/tokenlens.fish" }

    func unitText(port: Int) -> String {
        """
        # Written by `tokenlens install`; removed by `tokenlens uninstall`.
        [Unit]
        Description=TokenLens AI cost proxy and gateway
        After=network.target

        [Service]
        ExecStart=\(binary) daemon --config \(config) --port \(port)
        ExecReload=/bin/kill -HUP $MAINPID
        Environment=TOKENLENS_HOME=\(dataHome)
        Restart=on-failure
        RestartSec=2

        [Install]
        WantedBy=default.target

        """
    }

    static let defaultConfig = """
        # TokenLens configuration, written by `tokenlens install`. Every table is optional.
        # Check it with `tokenlens check`; the daemon reloads it when you save.
        policy_dir = "policies"

        [server]
        host = "127.0.0.1"
        port = 8420

        # [budget]
        # enabled = true
        # daily_limit_usd = 10.0

        """

    static let defaultQuotas = """
        # Quotas and kill switches (see `tokenlens check` and the README). Nothing is enforced until set.
        kill_switches = []

        """
}
