import ArgumentParser

/// `--format human|json` of the reporting commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case human
    case json
}
