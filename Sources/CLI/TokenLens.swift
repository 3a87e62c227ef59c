import ArgumentParser


struct TokenLens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenlens",
        abstract: "Local-first AI cost intelligence and gateway for OpenAI, Anthropic and Gemini.",
        version: "0.1.0",
        subcommands: [DaemonCommand.self, TopCommand.self, CheckCommand.self, StatusCommand.self, ReportCommand.self,
                      StatsCommand.self, AnalyzeCommand.self, PruneCommand.self, PricingCommand.self,
                      InstallCommand.self, UninstallCommand.self, UICommand.self])
}
