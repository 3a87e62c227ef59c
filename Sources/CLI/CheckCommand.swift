import ArgumentParser
import Foundation
import Policy

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check config and policy files without starting the daemon (for CI and editors).",
        discussion: """
            Each PATH is a config file (config.toml, which brings its policy folder), a policy folder, \
            or a policy file. Without PATH, ./config.toml is checked. Prints \
            `file:line:col: severity: code: message` per finding. Exit status: 0 no errors, \
            1 errors (or warnings with --strict), 2 a file could not be read.
            """)

    @Argument(help: "Config files, policy folders or policy files.")
    var paths: [String] = []

    @Option(name: .long, help: "Output: human, json or github (workflow annotations).")
    var format: DiagnosticRenderer.Format = .human

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    func run() throws {
        var diagnostics: [Diagnostic] = []
        var contents: [String: [UInt8]] = [:]
        let inputs: [PolicySources]
        switch Result(catching: { () throws(PolicyReadError) in try PolicyInputs.sources(for: paths.isEmpty ? ["config.toml"] : paths) }) {
        case .success(let sources):
            inputs = sources
        case .failure(let error):
            FileHandle.standardError.write(Data("tokenlens check: \(error)\n".utf8))
            throw ExitCode(2)
        }
        for sources in inputs {
            for file in sources.allFiles { contents[file.path] = file.bytes }
            diagnostics += PolicyCompiler.compile(sources).diagnostics
        }
        if strict {
            diagnostics = diagnostics.map { var d = $0; d.severity = .error; return d }
        }
        print(DiagnosticRenderer.render(diagnostics, format: format, sources: contents), terminator: "")
        if diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}

extension DiagnosticRenderer.Format: ExpressibleByArgument {}

/// Turns `tokenlens check` arguments into sets of sources to compile.
enum PolicyInputs {
    static func sources(for paths: [String]) throws(PolicyReadError) -> [PolicySources] {
        var result: [PolicySources] = []
        var looseFiles: [PolicySources.File] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw PolicyReadError(path: path, reason: "no such file or folder")
            }
            if isDirectory.boolValue {
                let config = (path as NSString).appendingPathComponent("config.toml")
                if FileManager.default.fileExists(atPath: config) {
                    result.append(try PolicySources.load(configPath: config))
                } else {
                    result.append(try PolicySources.loadPolicyFolder(path))
                }
            } else if (path as NSString).lastPathComponent == "config.toml" || isConfigFile(path) {
                result.append(try PolicySources.load(configPath: path))
            } else {
                looseFiles.append(try PolicySources.readPolicyFile(path))
            }
        }
        if !looseFiles.isEmpty {
            result.append(PolicySources(config: .emptyConfig, policies: looseFiles, policyDirectory: "."))
        }
        return result
    }

    /// A TOML file whose top level has a config table (`[server]`, `[providers]`, ...) is a config file.
    static func isConfigFile(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        let configTables = ["[server]", "[storage]", "[providers", "[budget]", "[alerts]", "[webhooks]", "[logging]",
                            "[dedup]", "[pricing", "policy_dir"]
        return text.split(separator: "\n").contains { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            return configTables.contains { trimmed.hasPrefix($0) }
        }
    }
}
