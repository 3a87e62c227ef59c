import Foundation
import Providers
import TOML

/// Compiles config.toml and policies/*.toml into a `PolicySnapshot`: parse every file, decode
/// and check it, then precompute the lookup tables requests are decided with. Pure: it reads
/// only the `PolicySources` it is given, so the same sources always give the same snapshot.
public enum PolicyCompiler {
    public struct Result: Sendable {
        /// Nil when any error was found: a broken policy never becomes live.
        public var snapshot: PolicySnapshot?
        public var diagnostics: [Diagnostic]

        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    }

    public static func compile(_ sources: PolicySources, basePrices: PriceTable = .shipped,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               now: Date = Date()) -> Result {
        let sink = DiagnosticSink()
        guard let configDocument = parse(sources.config, sink: sink) else {
            _ = sources.policies.map { parse($0, sink: sink) }
            return Result(snapshot: nil, diagnostics: sink.diagnostics)
        }
        let root = TableReader(file: sources.config.path, table: configDocument.root, path: "", location: nil, sink: sink)
        let config = ConfigDecoder.decode(root)
        var decoded: [DecodedRules] = []
        for file in sources.policies {
            guard let document = parse(file, sink: sink) else { continue }
            let reader = TableReader(file: file.path, table: document.root, path: "", location: nil, sink: sink)
            decoded.append(PolicyFileDecoder.decode(reader))
        }

        var prices = basePrices
        if let imported = sources.importedPrices {
            do {
                prices.merge(try PriceTable(referenceJSON: Data(imported.bytes)))
            } catch {
                sink.error(imported.path, nil, "invalid-price-table", "\(error); run `tokenlens pricing import` again with a valid file")
            }
        }
        applyOverrides(config.pricing, to: &prices, configFile: sources.config.path, root: root, sink: sink)
        let rules = RuleChecker(sink: sink, prices: prices).check(decoded)

        let diagnostics = sorted(sink.diagnostics, files: sources.allFiles.map(\.path))
        guard !sink.hasErrors else { return Result(snapshot: nil, diagnostics: diagnostics) }
        var storage = config.storage
        let configDirectory = (sources.config.path as NSString).deletingLastPathComponent
        storage.path = DataHome.resolve(storagePath: config.storage.path, configDirectory: configDirectory, environment: environment)
        let snapshot = PolicySnapshot(
            version: PolicyVersion.of(sources), loadedAt: now, files: sources.allFiles.map(\.path),
            server: config.server, storage: storage, providers: config.providers, prices: prices,
            budget: config.budget, alerts: config.alerts, webhooks: config.webhooks, logging: config.logging,
            dedup: config.dedup, rules: rules, priceOverrides: config.pricing)
        return Result(snapshot: snapshot, diagnostics: diagnostics)
    }

    /// Errors first, then by file (in compile order), line and column, like a compiler.
    static func sorted(_ diagnostics: [Diagnostic], files: [String]) -> [Diagnostic] {
        let order = Dictionary(files.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return diagnostics.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.severity != y.severity { return x.severity > y.severity }
            let (fx, fy) = (order[x.file] ?? Int.max, order[y.file] ?? Int.max)
            if fx != fy { return fx < fy }
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
    }

    static func parse(_ file: PolicySources.File, sink: DiagnosticSink) -> TOMLDocument? {
        do {
            return try TOMLDocumentLoader.parse(file.bytes)
        } catch {
            sink.error(file.path, error.location, "syntax", error.message)
            return nil
        }
    }

    /// `[pricing."model"]` entries override the named rates of a known model, or add a model.
    static func applyOverrides(_ overrides: [PriceOverride], to prices: inout PriceTable, configFile: String,
                               root: TableReader, sink: DiagnosticSink) {
        for override in overrides {
            var price = prices.entries[override.model]
                ?? ModelPrice(id: override.model, provider: override.provider ?? "", mode: "chat", standard: .init())
            if let provider = override.provider { price.provider = provider }
            let perToken = { (value: Double?) in value.flatMap(Picodollars.from(usdPerMillionTokens:)) }
            var base = price.standard.base
            if let rate = perToken(override.inputPerMTok) { base.input = rate }
            if let rate = perToken(override.outputPerMTok) { base.output = rate }
            if let rate = perToken(override.cacheReadPerMTok) { base.cacheRead = rate }
            if let rate = perToken(override.cacheWritePerMTok) { base.cacheWrite = rate }
            if let rate = perToken(override.cacheWrite1hPerMTok) { base.cacheWrite1h = rate }
            if let rate = perToken(override.reasoningPerMTok) { base.reasoning = rate }
            price.standard.base = base
            if base.input == nil {
                sink.error(configFile, nil, "incomplete-price",
                           "`pricing.\"\(override.model)\"` adds a model the price table does not know; give at least input_per_mtok and output_per_mtok")
                continue
            }
            prices.set(price)
        }
    }
}
