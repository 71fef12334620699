import Foundation
import Synchronization
import Platform
import SlipwayModel

/// GitHub deliveries: each updates the pull request's record (when it is not older than what was applied
/// already) and asks for a reconciliation; the reconciliation does the work.
extension PullRequestFlow {
    /// Applies a verified delivery to `pipeline`; returns a short account of what changed.
    public func apply(_ event: GitHubEvent, to pipeline: ResourceName) async throws -> String {
        switch event {
        case .ping, .ignored:
            return "ignored"
        case .push(let push):
            requestReconcile(pipeline)
            return "push to \(push.ref): reconciling"
        case .pullRequest(let pull):
            if case .other(let action) = pull.action { return "pull_request \(action): nothing to do" }
            let applied = Mutex(false)
            _ = try await store.updatePullRequest(pipeline: pipeline, number: pull.number) { record in
                // Deliveries can arrive late or out of order: one older than the last applied changes nothing.
                if let at = pull.updatedAt, let seen = record?.eventAt, at < seen {
                    record = nil
                    return
                }
                var updated = record ?? PullRequestRecord(pipeline: pipeline, number: pull.number, branch: pull.headRef,
                                                          headCommit: pull.headSHA)
                switch pull.action {
                case .opened, .reopened, .synchronize: updated.state = .open
                case .closed: updated.state = pull.merged ? .merged : .closed
                case .other: break
                }
                updated.branch = pull.headRef
                updated.headCommit = pull.headSHA
                updated.fromFork = pull.isFromFork
                updated.eventAt = pull.updatedAt ?? updated.eventAt ?? Date()
                record = updated
                applied.withLock { $0 = true }
            }
            requestReconcile(pipeline)
            return applied.withLock { $0 } ? "pull request #\(pull.number) \(pull.action): reconciling"
                : "pull request #\(pull.number): an older delivery than the last one applied; nothing changed"
        }
    }
}
