import Foundation
import Synchronization

/// When a run whose slots are all on remote workers starts: the moment a worker leases its first slot. Until then
/// the run is queued (nothing of it runs anywhere), and its timeout does not count. A run with a local slot starts
/// at once and never needs one of these.
final class RunStart: Sendable {
    private let started = Mutex(false)
    private let onStart: @Sendable () async -> Void

    init(onStart: @escaping @Sendable () async -> Void) {
        self.onStart = onStart
    }

    var hasStarted: Bool { started.withLock { $0 } }

    /// A slot was leased; the first call runs `onStart` (and returns once it has).
    func slotLeased() async {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        if first { await onStart() }
    }

    /// Returns once the run has started; throws when the waiting task is cancelled.
    func wait() async throws {
        while !hasStarted { try await Task.sleep(for: .milliseconds(50)) }
    }
}
