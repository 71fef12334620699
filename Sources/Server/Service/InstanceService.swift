import Foundation
import Logging
import Orchestration
import ServiceLifecycle
import SlipwayModel

/// This `serve` as one of several instances on a shared PostgreSQL: heartbeats its `service_instances` row every
/// interval and, as often, adopts the unfinished test runs of instances silent for `InstanceLiveness.silentIntervals`
/// intervals. On graceful shutdown (after the pull-request flow has stopped: it is listed before it) its row is
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
                try? await Task.sleep(for: liveness.heartbeat)
            }
        }
        try? await store.removeInstance(id: instance.id)
    }
}

/// When another instance counts as dead: no heartbeat for `silentIntervals` heartbeat intervals.
public struct InstanceLiveness: Sendable {
    /// Five intervals: a heartbeat delayed by a loaded machine (or a slow transaction) does not get a live instance's
    /// runs adopted, and a killed one's runs move within 5 × 2 s by default.
    public static let silentIntervals = 5

    public var heartbeat: Duration

    public init(heartbeat: Duration) {
        self.heartbeat = heartbeat
    }

    /// Heartbeats before this date are too old: their instance is taken for dead.
    public func silentSince(_ now: Date) -> Date {
        let interval = Double(heartbeat.components.seconds) + Double(heartbeat.components.attoseconds) / 1e18
        return now.addingTimeInterval(-interval * Double(Self.silentIntervals))
    }
}
