import Foundation

/// The files a snapshot is compiled from, read once so compilation itself does no I/O.
public struct PolicySources: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// The path as shown in diagnostics (as given, or relative to the working folder).
        public var path: String
        public var bytes: [UInt8]

        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }

        /// Stands in for config.toml when only policy files are checked: all defaults.
        public static let emptyConfig = File(path: "(defaults)", bytes: [])
    }

    public var config: File
    /// `policies/*.toml`, sorted by name so compilation is deterministic.
    public var policies: [File]
    /// The folder the policy files were read from.
    public var policyDirectory: String
    /// An imported price table (`tokenlens pricing import`), when present.
    public var importedPrices: File?

    public init(config: File, policies: [File] = [], policyDirectory: String = "policies", importedPrices: File? = nil) {
        self.config = config
        self.policies = policies
        self.policyDirectory = policyDirectory
        self.importedPrices = importedPrices
    }

    public var allFiles: [File] {
        (config == .emptyConfig ? [] : [config]) + policies + (importedPrices.map { [$0] } ?? [])
    }
}

/// A file that could not be read at all (as opposed to one with findings).
public struct PolicyReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): cannot read: \(reason)" }
}

extension PolicySources {
    /// Reads `configPath`, the policy folder it names (default `policies/` next to it) and the
    /// imported price table in the data folder.
    public static func load(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(PolicyReadError) -> PolicySources {
        let config = try readFile(configPath)
        let configDirectory = (configPath as NSString).deletingLastPathComponent
        let policyDir = policyDirectorySetting(in: config.bytes) ?? "policies"
        let directory = resolve(policyDir, relativeTo: configDirectory)
        var policies: [File] = []
        if FileManager.default.fileExists(atPath: directory) {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw PolicyReadError(path: directory, reason: error.localizedDescription)
            }
            for name in names.sorted() where isPolicyFileName(name) {
                policies.append(try readFile((directory as NSString).appendingPathComponent(name)))
            }
        }
        var sources = PolicySources(config: config, policies: policies, policyDirectory: directory)
        let home = DataHome.resolve(storagePath: storagePathSetting(in: config.bytes), configDirectory: configDirectory,
                                    environment: environment)
        let priceFile = (home as NSString).appendingPathComponent(DataHome.importedPricesFile)
        if FileManager.default.fileExists(atPath: priceFile) {
            sources.importedPrices = try readFile(priceFile)
        }
        return sources
    }

    /// A policy folder checked on its own, with default settings in place of a config file.
    public static func loadPolicyFolder(_ directory: String) throws(PolicyReadError) -> PolicySources {
        var policies: [File] = []
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw PolicyReadError(path: directory, reason: error.localizedDescription)
        }
        for name in names.sorted() where isPolicyFileName(name) {
            policies.append(try readFile((directory as NSString).appendingPathComponent(name)))
        }
        return PolicySources(config: .emptyConfig, policies: policies, policyDirectory: directory)
    }

    public static func readPolicyFile(_ path: String) throws(PolicyReadError) -> File {
        try readFile(path)
    }

    /// `*.toml`, but not editor leftovers (`.#x.toml`, `x.toml~`, `.x.toml.swp`, hidden files).
    public static func isPolicyFileName(_ name: String) -> Bool {
        name.hasSuffix(".toml") && !name.hasPrefix(".") && !name.hasPrefix("#")
    }

    static func readFile(_ path: String) throws(PolicyReadError) -> File {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied or not a regular file" : "no such file"
            throw PolicyReadError(path: path, reason: reason)
        }
        return File(path: path, bytes: Array(data))
    }

    static func resolve(_ path: String, relativeTo directory: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSHomeDirectory() + String(path.dropFirst(1)) }
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }

    /// Reads one top-level string setting leniently, before full compilation (which reports
    /// any problem with it properly).
    static func policyDirectorySetting(in bytes: [UInt8]) -> String? {
        guard let document = try? TOMLDocumentLoader.parse(bytes) else { return nil }
        return document.root["policy_dir"]?.stringValue
    }

    static func storagePathSetting(in bytes: [UInt8]) -> String? {
        guard let document = try? TOMLDocumentLoader.parse(bytes) else { return nil }
        return document.root["storage"]?["path"]?.stringValue
    }
}

/// Where TokenLens keeps its data: `[storage] path` if set, else `$TOKENLENS_HOME`, else
/// `~/.tokenlens`.
public enum DataHome {
    public static let databaseFile = "usage.db"
    public static let importedPricesFile = "prices.json"

    public static func resolve(storagePath: String?, configDirectory: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let storagePath, !storagePath.isEmpty {
            return PolicySources.resolve(storagePath, relativeTo: configDirectory)
        }
        if let home = environment["TOKENLENS_HOME"], !home.isEmpty { return home }
        let userHome = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (userHome as NSString).appendingPathComponent(".tokenlens")
    }
}
