import Foundation
import Providers

/// Everything a request is decided by, compiled once from config.toml and policies/*.toml and
/// never mutated. A request takes the current snapshot when it starts and keeps it to the end,
/// even if a newer one is swapped in meanwhile; its record carries `version`.
public final class PolicySnapshot: Sendable {
    /// A hash of the sources the snapshot was compiled from.
    public let version: String
    public let loadedAt: Date
    /// The files it was compiled from.
    public let files: [String]
    public let server: ServerSettings
    public let storage: StorageSettings
    public let providers: [Provider: ProviderSettings]
    public let prices: PriceTable
    public let budget: BudgetSettings
    public let alerts: AlertSettings
    public let webhooks: WebhookSettings
    public let logging: LoggingSettings
    public let dedup: DedupSettings
    public let rules: CompiledRules
    /// `[pricing]` overrides as written (already merged into `prices`).
    public let priceOverrides: [PriceOverride]

    public init(version: String, loadedAt: Date = Date(), files: [String] = [],
                server: ServerSettings = ServerSettings(), storage: StorageSettings = StorageSettings(),
                providers: [Provider: ProviderSettings] = [:], prices: PriceTable = .shipped,
                budget: BudgetSettings = BudgetSettings(), alerts: AlertSettings = AlertSettings(),
                webhooks: WebhookSettings = WebhookSettings(), logging: LoggingSettings = LoggingSettings(),
                dedup: DedupSettings = DedupSettings(), rules: CompiledRules = CompiledRules(),
                priceOverrides: [PriceOverride] = []) {
        self.version = version
        self.loadedAt = loadedAt
        self.files = files
        self.server = server
        self.storage = storage
        var all = providers
        for provider in Provider.allCases where all[provider] == nil {
            all[provider] = .defaults(for: provider)
        }
        self.providers = all
        self.prices = prices
        self.budget = budget
        self.alerts = alerts
        self.webhooks = webhooks
        self.logging = logging
        self.dedup = dedup
        self.rules = rules
        self.priceOverrides = priceOverrides
    }

    public func settings(for provider: Provider) -> ProviderSettings {
        providers[provider] ?? .defaults(for: provider)
    }
}
