import Foundation
import Providers
import TOML

/// Everything config.toml says, decoded and checked.
struct ConfigModel {
    var policyDir = "policies"
    var policyDirLocation: SourceLocation?
    var server = ServerSettings()
    var storage = StorageSettings()
    var providers: [Provider: ProviderSettings] = [:]
    var pricing: [PriceOverride] = []
    var budget = BudgetSettings()
    var alerts = AlertSettings()
    var webhooks = WebhookSettings()
    var logging = LoggingSettings()
    var dedup = DedupSettings()
}

/// Decodes config.toml's tables (see CONTRACT.md) into `ConfigModel`, reporting unknown keys,
/// wrong types and impossible values at their position.
enum ConfigDecoder {
    static func decode(_ root: TableReader) -> ConfigModel {
        var model = ConfigModel()
        if let dir = root.string("policy_dir") {
            model.policyDir = dir
            model.policyDirLocation = root.valueLocation("policy_dir")
        }
        if let server = root.table("server") { decodeServer(server, into: &model.server) }
        if let storage = root.table("storage") { decodeStorage(storage, into: &model.storage) }
        if let providers = root.table("providers") { model.providers = decodeProviders(providers) }
        if let pricing = root.table("pricing") { model.pricing = decodePricing(pricing) }
        if let budget = root.table("budget") { decodeBudget(budget, into: &model.budget) }
        if let alerts = root.table("alerts") {
            model.alerts.enabled = alerts.bool("enabled") ?? false
            model.alerts.dailyCostThreshold = alerts.number("daily_cost_threshold", minimum: 0)
            alerts.finish()
        }
        if let webhooks = root.table("webhooks") { decodeWebhooks(webhooks, into: &model.webhooks) }
        if let logging = root.table("logging") {
            model.logging.enabled = logging.bool("enabled") ?? false
            if let level = logging.string("level") {
                let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
                if levels.contains(level) { model.logging.level = level } else {
                    logging.error(logging.valueLocation("level"), "invalid-value",
                                  "`logging.level` must be one of \(levels.joined(separator: ", "))\(DidYouMean.hint(for: level, among: levels))")
                }
            }
            if let limit = logging.integer("max_body_bytes", in: 1_024...(16 << 20)) { model.logging.maxBodyBytes = Int(limit) }
            logging.finish()
        }
        if let dedup = root.table("dedup") {
            model.dedup.enabled = dedup.bool("enabled") ?? false
            model.dedup.ttlSeconds = Int(dedup.integer("ttl_seconds", in: 1...86_400) ?? 60)
            dedup.finish()
        }
        root.finish()
        return model
    }

    static func decodeServer(_ table: TableReader, into server: inout ServerSettings) {
        if let host = table.string("host") { server.host = host }
        if let port = table.integer("port", in: 0...65_535) { server.port = Int(port) }
        if let limit = table.integer("max_body_bytes", in: 1_024...(1 << 31)) { server.maxBodyBytes = Int(limit) }
        if let token = table.string("admin_token") {
            if token.count < 16 {
                table.error(table.valueLocation("admin_token"), "weak-token", "`server.admin_token` must be at least 16 characters")
            } else {
                server.adminToken = token
            }
        }
        table.finish()
    }

    static func decodeStorage(_ table: TableReader, into storage: inout StorageSettings) {
        if let path = table.string("path") { storage.path = path }
        if let days = table.integer("retention_days", in: 1...36_500) { storage.retentionDays = Int(days) }
        if let capacity = table.integer("queue_capacity", in: 16...10_000_000) { storage.queueCapacity = Int(capacity) }
        table.finish()
    }

    static func decodeProviders(_ table: TableReader) -> [Provider: ProviderSettings] {
        var result: [Provider: ProviderSettings] = [:]
        for (name, node) in table.entries() {
            guard let provider = Provider(rawValue: name) else {
                table.error(node.keyLocation ?? node.valueLocation, "unknown-provider",
                            "unknown provider `\(name)`; TokenLens proxies openai, anthropic and google\(DidYouMean.hint(for: name, among: Provider.allCases.map(\.rawValue)))")
                continue
            }
            guard case .table(let inner) = node.value else {
                table.error(node.valueLocation, "wrong-type", "`providers.\(name)` must be a table")
                continue
            }
            let reader = TableReader(file: table.file, table: inner, path: "providers.\(name)",
                                     location: node.keyLocation, sink: table.sinkForChildren)
            var settings = ProviderSettings.defaults(for: provider)
            if let base = reader.string("base_url") {
                if let problem = baseURLProblem(base) {
                    reader.error(reader.valueLocation("base_url"), "invalid-url", "`providers.\(name).base_url` \(problem)")
                } else {
                    settings.baseURL = base
                }
            }
            if let timeout = reader.number("timeout_seconds", minimum: 0.1) { settings.timeoutSeconds = timeout }
            if let connect = reader.number("connect_timeout_seconds", minimum: 0.1) { settings.connectTimeoutSeconds = connect }
            reader.finish()
            result[provider] = settings
        }
        return result
    }

    static func baseURLProblem(_ value: String) -> String? {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), url.host != nil else {
            return "must be an absolute URL such as https://api.openai.com"
        }
        guard scheme == "http" || scheme == "https" else { return "must use http or https, not \(scheme)" }
        guard url.query == nil, url.fragment == nil else { return "must not have a query or fragment" }
        return nil
    }

    static func decodePricing(_ table: TableReader) -> [PriceOverride] {
        var overrides: [PriceOverride] = []
        for (model, node) in table.entries() {
            guard case .table(let inner) = node.value else {
                table.error(node.valueLocation, "wrong-type",
                            "`pricing.\"\(model)\"` must be a table such as { input_per_mtok = 3.0, output_per_mtok = 15.0 }")
                continue
            }
            let reader = TableReader(file: table.file, table: inner, path: "pricing.\"\(model)\"",
                                     location: node.keyLocation, sink: table.sinkForChildren)
            var price = PriceOverride(model: model)
            price.provider = reader.string("provider")
            price.inputPerMTok = reader.number("input_per_mtok", minimum: 0)
            price.outputPerMTok = reader.number("output_per_mtok", minimum: 0)
            price.cacheReadPerMTok = reader.number("cache_read_per_mtok", minimum: 0)
            price.cacheWritePerMTok = reader.number("cache_write_per_mtok", minimum: 0)
            price.cacheWrite1hPerMTok = reader.number("cache_write_1h_per_mtok", minimum: 0)
            price.reasoningPerMTok = reader.number("reasoning_per_mtok", minimum: 0)
            reader.finish()
            overrides.append(price)
        }
        return overrides
    }

    static func decodeBudget(_ table: TableReader, into budget: inout BudgetSettings) {
        budget.enabled = table.bool("enabled") ?? false
        budget.dailyLimitUSD = table.number("daily_limit_usd", minimum: 0)
        budget.monthlyLimitUSD = table.number("monthly_limit_usd", minimum: 0)
        if let action = table.string("action") {
            if let parsed = LimitAction(rawValue: action) { budget.action = parsed } else {
                table.error(table.valueLocation("action"), "invalid-value", "`budget.action` must be \"block\" or \"warn\"")
            }
        }
        if let zone = table.string("timezone") {
            if TimeZone(identifier: zone) != nil { budget.timezone = zone } else {
                table.error(table.valueLocation("timezone"), "invalid-value",
                            "`budget.timezone` \"\(zone)\" is not an IANA time zone (such as \"UTC\" or \"Europe/Berlin\")")
            }
        }
        table.finish()
    }

    static func decodeWebhooks(_ table: TableReader, into webhooks: inout WebhookSettings) {
        webhooks.enabled = table.bool("enabled") ?? false
        if let events = table.stringArray("events") {
            for (event, location) in events where !WebhookSettings.knownEvents.contains(event) {
                table.error(location, "invalid-value",
                            "unknown webhook event \"\(event)\"; known events: \(WebhookSettings.knownEvents.joined(separator: ", "))\(DidYouMean.hint(for: event, among: WebhookSettings.knownEvents))")
            }
            webhooks.events = events.map(\.value).filter { WebhookSettings.knownEvents.contains($0) }
        }
        webhooks.secret = table.string("secret")
        if let hosts = table.stringArray("allow_hosts") {
            for (host, location) in hosts {
                if let problem = WebhookTarget.allowEntryProblem(host) {
                    table.error(location, "invalid-value", "`webhooks.allow_hosts` entry \"\(host)\" \(problem)")
                } else {
                    webhooks.allowHosts.append(host)
                }
            }
        }
        if let attempts = table.integer("max_attempts", in: 1...20) { webhooks.maxAttempts = Int(attempts) }
        if let timeout = table.number("timeout_seconds", minimum: 0.1) { webhooks.timeoutSeconds = min(timeout, 300) }
        if let url = table.string("url") {
            // Webhooks carry spend data out of the machine: only to hosts the user listed. A
            // disabled webhook sends nothing, so its URL only earns a warning until it is enabled.
            if let problem = WebhookTarget.problem(url, allowHosts: webhooks.allowHosts) {
                let message = "`webhooks.url` \(problem)"
                if webhooks.enabled || !problem.isHostRefusal {
                    table.error(table.valueLocation("url"), problem.code, message)
                } else {
                    table.warning(table.valueLocation("url"), problem.code, message + " (the webhook is disabled, so nothing is sent)")
                    webhooks.url = url
                }
            } else {
                webhooks.url = url
            }
        } else if webhooks.enabled {
            table.error(table.keyLocation("enabled") ?? table.valueLocation("enabled"), "missing-key",
                        "`webhooks.enabled = true` needs `webhooks.url`, the address to POST events to")
        }
        table.finish()
    }
}

extension TableReader {
    /// Child readers share this reader's diagnostics.
    var sinkForChildren: DiagnosticSink { sinkReference }
}
