import Foundation
import Logging
import Orchestration
import ServiceLifecycle
import SlipwayModel

/// This `serve` as one of several instances on a shared PostgreSQL: heartbeats its `service_instances` row every
/// interval and, as often, adopts the unfinished test runs of instances silent for `InstanceLiveness.silentIntervals`
/// intervals and stops its own runs that another instance ended (a newer push seen there). On graceful shutdown (after the pull-request flow has stopped: it is listed before it) its row is
/// deleted.
struct InstanceService: Service {
    let store: any SlipwayStore
    let instance: ServiceInstance
    let liveness: InstanceLiveness
    let flow: PullRequestFlow
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.heartbeatInstance(id: instance.id)
                } catch {
                    logger.warning("service instance heartbeat failed", metadata: ["instance": "\(instance.name)", "error": "\(error)"])
                }
                await flow.adoptOrphanedTestRuns(ownerSilentSince: liveness.silentSince(Date()))
                await flow.stopRunsEndedElsewhere()
                try? await Task.sleep(for: liveness.heartbeat)
            }
        }
        try? await store.removeInstance(id: instance.id)
    }
}
