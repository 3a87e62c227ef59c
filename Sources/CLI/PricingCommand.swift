import ArgumentParser
import Foundation
import Policy
import Providers

struct PricingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pricing",
        abstract: "Inspect or refresh the model price table.",
        subcommands: [Import.self, Show.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refresh prices from a file in the reference format (model id → entry, USD per token).",
            discussion: "The file is validated, then copied to the data folder, where it overrides the shipped table on the next start or reload.")

        @Argument(help: "The price file (same format as the reference models.json).")
        var file: String

        @Option(name: .long, help: "The config file, to find the data folder.")
        var config: String = "config.toml"

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let table: PriceTable
            do {
                table = try PriceTable(referenceJSON: data)
            } catch {
                throw ValidationError("\(file): \(error)")
            }
            let priced = table.entries.values.filter(\.isPriced).count
            guard priced > 0 else { throw ValidationError("\(file): no entry has a per-token price (input_cost_per_token)") }
            let home = DataFolder.resolve(configPath: config)
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            let target = (home as NSString).appendingPathComponent(DataHome.importedPricesFile)
            let temporary = target + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw ValidationError("cannot write \(temporary)")
            }
            _ = rename(temporary, target)
            print("imported \(table.count) models (\(priced) priced) into \(target)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the price a model id resolves to.")

        @Argument(help: "A model id as a provider reports it, e.g. claude-sonnet-4-5-20250929.")
        var model: String

        @Option(name: .long, help: "The config file (for [pricing] overrides and imported prices).")
        var config: String = "config.toml"

        func run() throws {
            let prices = DataFolder.prices(configPath: config)
            guard let price = prices.price(for: model), price.isPriced else {
                print("\(model): unpriced (not in the price table)")
                throw ExitCode(1)
            }
            let rates = price.standard.base
            // Rates are picodollars per token, which is micro-dollars per million tokens.
            func perMillion(_ value: Int64?) -> String { value.map { String(format: "$%.4f/Mtok", Double($0) / 1e6) } ?? "-" }
            print("\(model) → \(price.id) (\(price.provider))")
            var line = "  input \(perMillion(rates.input)), output \(perMillion(rates.output))"
            if let input = rates.input {
                // A cache rate the table lacks is billed by a rule (see `CostCalculator`): say so.
                let billed = CostCalculator.cacheRates(rates, input: input, provider: price.provider)
                func cache(_ name: String, _ listed: Int64?, _ billed: Int64) -> String {
                    ", \(name) \(perMillion(billed))" + (listed == nil ? " (not listed; derived from input)" : "")
                }
                line += cache("cache read", rates.cacheRead, billed.read) + cache("cache write", rates.cacheWrite, billed.write)
                    + cache("1h cache write", rates.cacheWrite1h, billed.write1h)
            }
            print(line)
            for tier in price.standard.tiers {
                print("  above \(tier.threshold) prompt tokens: input \(perMillion(tier.rates.input ?? rates.input)), output \(perMillion(tier.rates.output ?? rates.output))")
            }
        }
    }
}

/// Finds the data folder and price table the way the daemon does, for commands that run
/// without it.
enum DataFolder {
    static func resolve(configPath: String) -> String {
        let directory = (configPath as NSString).deletingLastPathComponent
        let storage = FileManager.default.fileExists(atPath: configPath)
            ? (try? PolicySources.load(configPath: configPath)).flatMap { PolicyCompiler.compile($0).snapshot?.storage.path }
            : nil
        return storage ?? DataHome.resolve(storagePath: nil, configDirectory: directory)
    }

    static func prices(configPath: String) -> PriceTable {
        if FileManager.default.fileExists(atPath: configPath),
           let sources = try? PolicySources.load(configPath: configPath),
           let snapshot = PolicyCompiler.compile(sources).snapshot {
            return snapshot.prices
        }
        return .shipped
    }
}
