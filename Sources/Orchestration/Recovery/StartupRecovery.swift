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
}

/// Crash recovery, before anything else starts: work the previous instance left half-done is marked
/// failed, and the process groups of the dynos it recorded are killed, so no process of the old instance
/// survives (the current release's dynos are started afresh by the runtime). The runtime's process-group
/// keeper already kills a dyno's group when its `serve` dies; this is the second line, for whatever
/// survived it. A recorded group is killed only while it still holds that dyno, never a reused group id.
public enum StartupRecovery {
    public static let reason = "interrupted: the service stopped"

    public static func run(store: any SlipwayStore) async throws -> RecoveryReport {
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
