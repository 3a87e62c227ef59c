import ArgumentParser
import NIOCore
import NIOPosix

// Run Swift concurrency on NIO's event loops: request handlers, the upstream client and the
// server then share threads instead of handing every step across two pools, which is most of
// the latency a proxy adds. It must happen before any task starts, so `main` is written out
// here instead of being ArgumentParser's.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

do {
    var command = try TokenLens.parseAsRoot()
    if let asyncCommand = command as? any AsyncCommand {
        try await asyncCommand.runAsync()
    } else {
        try command.run()
    }
} catch {
    TokenLens.exit(withError: error)
}
