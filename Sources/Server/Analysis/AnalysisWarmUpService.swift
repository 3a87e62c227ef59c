import Insights
import Logging
import ServiceLifecycle

/// Builds the analysis rollups of the last 90 days, the recent pattern cache and the core
/// views of the last 30 days once, right after the daemon starts, so the first dashboard
/// requests do not pay for them. It works in the background, one day per write transaction,
/// and stops early on shutdown.
struct AnalysisWarmUpService: Service {
    let api: AnalysisAPI
    let logger: Logger

    func run() async throws {
        let api = self.api
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            do {
                try await api.warmUp()
                // Warming reads a month of calls; what it kept is small, what it freed is not.
                FreedMemory.release()
            } catch is CancellationError {
            } catch {
                logger.warning("analysis warm-up failed: \(error)")
            }
        }
        // A service that returns ends the whole service group, so this one stays until shutdown.
        try? await gracefulShutdown()
    }
}
