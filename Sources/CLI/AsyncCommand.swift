import ArgumentParser

/// A command whose work is asynchronous (it talks to the daemon or the database).
/// `main.swift` runs it in the async context it sets up on NIO's event loops; a distinct
/// name keeps the call from resolving to `ParsableCommand`'s synchronous `run()`.
protocol AsyncCommand: ParsableCommand {
    func runAsync() async throws
}
