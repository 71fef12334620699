import Orchestration
import Logging
import ServiceLifecycle

/// Runs the pull-request flow in the service group: a first reconciliation of every pipeline at start (it
/// resumes what a restart interrupted), then one per poll interval; on graceful shutdown the running test
/// runs and deploys are cancelled and awaited.
struct PullRequestService: Service {
    let flow: PullRequestFlow
    let logger: Logger

    func run() async throws {
        await flow.removeLeftoverScratch()
        await flow.requestReconcileAll()
        if let interval = flow.settings.pollInterval {
            try? await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    await flow.requestReconcileAll()
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        await flow.shutdown()
    }
}
