/// The groups of settings the config API reads and writes, and where each lives.
public enum ConfigSection: String, Sendable, CaseIterable {
    case quotas
    case routing
    case guardrails
    case budget
    case alerts
    case pricing
    case webhooks

    /// How one top-level key of a section is stored.
    enum Part {
        /// `[[key]]` entries identified by one of their fields (`source`, `model`, ...).
        case keyedTables(key: String, identity: String, defaults: [String: TOMLDefault])
        /// A list of strings, possibly spread over several files (`kill_switches`).
        case stringList(key: String)
        /// One `[key]` table (`[pii_detection]`, `[budget]`).
        case table(key: String, defaults: [String: TOMLDefault])
    }

    /// Policy sections live in `policies/`; settings in config.toml.
    public var isPolicy: Bool { self == .quotas || self == .routing || self == .guardrails }

    /// The policy file new rules of this section are written to.
    public var canonicalFileName: String { "\(rawValue).toml" }

    var parts: [Part] {
        switch self {
        case .quotas:
            return [.stringList(key: "kill_switches"),
                    .keyedTables(key: "source_limits", identity: "source", defaults: ["action": .string("block")]),
                    .keyedTables(key: "model_limits", identity: "model", defaults: ["action": .string("block")])]
        case .routing:
            return [.keyedTables(key: "aliases", identity: "from", defaults: [:]),
                    .keyedTables(key: "fallback_chains", identity: "trigger_model", defaults: [:]),
                    .keyedTables(key: "weights", identity: "source", defaults: [:]),
                    .table(key: "latency_routing", defaults: ["enabled": .bool(false), "window_seconds": .integer(300)])]
        case .guardrails:
            return [.table(key: "pii_detection", defaults: ["enabled": .bool(false), "action": .string("warn"),
                                                             "scope": .string("both")]),
                    .table(key: "injection_detection", defaults: ["enabled": .bool(false), "action": .string("warn"),
                                                                   "scope": .string("request")]),
                    .keyedTables(key: "custom_rules", identity: "name",
                                 defaults: ["action": .string("warn"), "scope": .string("both"), "case_insensitive": .bool(false)])]
        case .budget:
            return [.table(key: "budget", defaults: ["enabled": .bool(false), "action": .string("block"), "timezone": .string("UTC")])]
        case .alerts:
            return [.table(key: "alerts", defaults: ["enabled": .bool(false)])]
        case .pricing:
            return [.table(key: "pricing", defaults: [:])]
        case .webhooks:
            return [.table(key: "webhooks", defaults: ["enabled": .bool(false), "max_attempts": .integer(5),
                                                        "timeout_seconds": .integer(10)])]
        }
    }

    var topLevelKeys: [String] {
        parts.map { part in
            switch part {
            case .keyedTables(let key, _, _), .stringList(let key), .table(let key, _): key
            }
        }
    }
}

import TOML

/// A default value a key may be omitted for without changing its meaning.
typealias TOMLDefault = TOMLValue
