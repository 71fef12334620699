import Foundation
import SlipwayModel

/// Told of every check Slipway records, after it is stored: the seam where reporting to a forge (GitHub commit
/// statuses) plugs in. An observer must not block: it queues what it sends.
public protocol CheckObserver: Sendable {
    func recorded(_ check: Check) async
}

/// The one way checks are recorded: every status of every context on every commit passes through here, so
/// whoever observes checks sees all of them, in order.
public struct CheckRecorder: Sendable {
    let store: any SlipwayStore
    let observers: [any CheckObserver]

    public init(store: any SlipwayStore, observers: [any CheckObserver] = []) {
        self.store = store
        self.observers = observers
    }

    /// Appends a status of `context` (Slipway's own `ci` by default) on `commit`.
    @discardableResult
    public func record(pipeline: ResourceName, commit: String, context: String = CheckContext.ci, state: CheckState,
                       description: String, targetURL: String? = nil) async throws -> Check {
        let check = try await store.recordCheck(pipeline: pipeline, commit: commit, context: context, state: state,
                                                description: description, targetURL: targetURL)
        for observer in observers { await observer.recorded(check) }
        return check
    }

    /// Appends the status unless the latest one of that context says the same already (reconciliation is
    /// idempotent: a second pass over an unchanged pull request records nothing).
    public func recordIfChanged(pipeline: ResourceName, commit: String, context: String = CheckContext.ci,
                                state: CheckState, description: String, targetURL: String? = nil) async throws {
        let current = try await latest(pipeline: pipeline, commit: commit, context: context)
        guard current?.state != state || current?.description != description else { return }
        try await record(pipeline: pipeline, commit: commit, context: context, state: state, description: description,
                         targetURL: targetURL)
    }

    /// The latest status of `context` on `commit`, if any.
    public func latest(pipeline: ResourceName, commit: String, context: String = CheckContext.ci) async throws -> Check? {
        try await store.latestChecks(pipeline: pipeline, commit: commit).first { $0.context == context }
    }

    /// The state of each context, from the latest checks of one commit (what the gate rule reads).
    public static func latestStates(_ checks: [Check]) -> [String: CheckState] {
        Dictionary(checks.map { ($0.context, $0.state) }, uniquingKeysWith: { _, last in last })
    }
}
