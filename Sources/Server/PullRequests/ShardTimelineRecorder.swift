import Foundation
import Synchronization
import TestRunner

/// Watches a test run's events and remembers when each worker and each file started and ended, in seconds
/// after the run started: the per-shard timeline the store keeps for the dashboard.
final class ShardTimelineRecorder: TestRunObserver {
    struct Timeline: Sendable {
        var workerStart: [Int: Double] = [:]
        var workerEnd: [Int: Double] = [:]
        /// The start of each file's last attempt.
        var fileStart: [String: Double] = [:]
    }

    private let started = ContinuousClock.now
    private let state = Mutex(Timeline())

    var timeline: Timeline { state.withLock { $0 } }

    func handle(_ event: RunEvent) {
        let now = (ContinuousClock.now - started).seconds
        switch event {
        case .workerReady(let worker, let seconds):
            state.withLock { $0.workerStart[worker] = max(0, now - seconds) }
        case .fileFinished(let path, let worker, _, _, _, let seconds):
            state.withLock {
                $0.fileStart[path] = max(0, now - seconds)
                $0.workerEnd[worker] = max($0.workerEnd[worker] ?? 0, now)
                if $0.workerStart[worker] == nil { $0.workerStart[worker] = max(0, now - seconds) }
            }
        default:
            break
        }
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
