import Foundation
import Synchronization
import TestRunner

/// Watches a test run's events and remembers when each worker started and last finished a file, in seconds
/// after the run's plan was made (`.started`), for the stored shards. Each file's own start comes with its
/// result from the runner (`FileResult.startOffsetSeconds`).
final class ShardTimelineRecorder: TestRunObserver {
    struct Timeline: Sendable {
        var workerStart: [Int: Double] = [:]
        var workerEnd: [Int: Double] = [:]
    }

    private struct State {
        var base = ContinuousClock.now
        var timeline = Timeline()
    }

    private let state = Mutex(State())

    var timeline: Timeline { state.withLock { $0.timeline } }

    func handle(_ event: RunEvent) {
        let now = ContinuousClock.now
        state.withLock { state in
            let offset = (now - state.base).seconds
            switch event {
            case .started:
                // The run's clock starts here (after the commit's tree was exported), as the runner's file offsets do.
                state.base = now
            case .workerReady(let worker, let seconds):
                state.timeline.workerStart[worker] = max(0, offset - seconds)
            case .fileFinished(_, let worker, _, _, _, let seconds):
                state.timeline.workerEnd[worker] = max(state.timeline.workerEnd[worker] ?? 0, offset)
                if state.timeline.workerStart[worker] == nil { state.timeline.workerStart[worker] = max(0, offset - seconds) }
            default:
                break
            }
        }
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
