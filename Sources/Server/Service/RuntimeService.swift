import Orchestration
import Logging
import ServiceLifecycle

/// Runs the apps in the service group: on start, each app's current release runs again (the previous
/// instance's dynos were killed by `StartupRecovery`); on graceful shutdown every dyno is stopped
/// (SIGTERM to its process group, grace period, SIGKILL) while the router is still up.
struct RuntimeService: Service {
    let deployer: Deployer
    let runtimes: AppRuntimes
    let logger: Logger

    func run() async throws {
        let failures = await deployer.restoreCurrentReleases()
        for (app, reason) in failures.sorted(by: { $0.key < $1.key }) {
            logger.warning("could not start the current release", metadata: ["app": "\(app)", "reason": "\(reason)"])
        }
        try? await gracefulShutdown()
        await runtimes.stopAll()
        await deployer.markAllDynosStopped()
    }
}
