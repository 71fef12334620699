import Foundation
import Synchronization

/// When a run whose slots are all on remote workers starts: the moment a worker leases its first slot. Until then
/// the run is queued (nothing of it runs anywhere), and its timeout does not count. A run with a local slot starts
/// at once and never needs one of these.
final class RunStart: Sendable {
    /// When the first slot was leased; nil while the run is queued.
    private let started = Mutex<ContinuousClock.Instant?>(nil)
    private let onStart: @Sendable () async -> Void

    init(onStart: @escaping @Sendable () async -> Void) {
        self.onStart = onStart
    }

    var hasStarted: Bool { started.withLock { $0 != nil } }

    /// When the run started, the origin of its files' start offsets and wall time (nil while queued).
    var instant: ContinuousClock.Instant? { started.withLock { $0 } }

    /// A slot was leased; the first call runs `onStart` (and returns once it has).
    func slotLeased() async {
        let first = started.withLock { started in
            guard started == nil else { return false }
            started = .now
            return true
        }
        if first { await onStart() }
    }

    /// Returns once the run has started; throws when the waiting task is cancelled.
    func wait() async throws {
        while !hasStarted { try await Task.sleep(for: .milliseconds(50)) }
    }
}
