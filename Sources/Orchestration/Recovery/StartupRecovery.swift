import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SlipwayModel

/// What a start of the service cleaned up after the previous instance.
public struct RecoveryReport: Sendable, Equatable {
    public var interrupted: InterruptedWork
    /// Dyno records whose process groups were killed and which are now `stopped`.
    public var stoppedDynos: Int
    /// Other service instances alive on the shared store: with any, nothing was recovered (see `run`).
    public var otherInstances: [ServiceInstance] = []
}

/// Crash recovery, before anything else starts: work the previous instance left half-done is marked
/// failed, and the process groups of the dynos it recorded are killed, so no process of the old instance
/// survives (the current release's dynos are started afresh by the runtime). The runtime's process-group
/// keeper already kills a dyno's group when its `serve` dies; this is the second line, for whatever
/// survived it. A recorded group is killed only while it still holds that dyno, never a reused group id.
public enum StartupRecovery {
    public static let reason = "interrupted: the service stopped"

    /// With several instances on one store (`instance` is this one), a start while another instance is alive
    /// (a heartbeat at or after `liveSince`) recovers nothing: the unfinished builds, releases, operations, review
    /// apps and dynos may be that instance's, and killing or failing them would break it. The test runs of dead
    /// instances are adopted instead (`PullRequestFlow.adoptOrphanedTestRuns`); the rest waits for a start with no
    /// other instance alive. An instance of the same name (host and API port) is this one's predecessor, killed
    /// moments ago (two live services cannot share a host's port), not another live instance.
    public static func run(store: any SlipwayStore, instance: ServiceInstance? = nil, liveSince: Date = .distantPast) async throws -> RecoveryReport {
        if let instance {
            let others = try await store.liveInstances(heartbeatSince: liveSince).filter {
                $0.id != instance.id && $0.name != instance.name
            }
            if !others.isEmpty { return RecoveryReport(interrupted: InterruptedWork(), stoppedDynos: 0, otherInstances: others) }
        }
        let interrupted = try await store.markInFlightOperationsFailed(reason: reason)
        let leftovers = try await store.dynos(inStates: [.starting, .up, .crashed])
        for var dyno in leftovers {
            if let group = dyno.pgid, DynoProcessFinder.groupHoldsDyno(group, app: dyno.app.rawValue, dyno: dyno.name) {
                killGroup(group)
            }
            dyno.state = .stopped
            _ = try await store.updateDyno(dyno)
        }
        return RecoveryReport(interrupted: interrupted, stoppedDynos: leftovers.count)
    }

    /// SIGKILLs a recorded process group, never our own group or the special ids 0 and 1.
    static func killGroup(_ group: Int32) {
        guard group > 1, group != getpgrp() else { return }
        _ = killpg(group, SIGKILL)
    }
}
