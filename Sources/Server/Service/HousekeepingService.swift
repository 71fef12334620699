import Logging
import Orchestration
import ServiceLifecycle

/// Runs housekeeping in the service group: once at start, then every `interval` until shutdown. A failed
/// pass is logged and tried again at the next interval.
struct HousekeepingService: Service {
    let housekeeping: Housekeeping
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let report = try await housekeeping.run()
                    if !report.removedBuilds.isEmpty || report.prunedDeliveries > 0 {
                        logger.info("housekeeping", metadata: [
                            "builds-removed": "\(report.removedBuilds.count)", "deliveries-pruned": "\(report.prunedDeliveries)"])
                    }
                } catch {
                    logger.warning("housekeeping failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
