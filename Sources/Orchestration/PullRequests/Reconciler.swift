import GitKit
import SlipwayModel

/// What one reconciliation pass does with each pull request, decided from stored state and a fresh scan alone:
/// no repository, no process, no store. `PullRequestFlow` carries the decisions out.
public enum Reconciler {
    /// What to do with one pull request.
    public enum Decision: Sendable, Equatable {
        /// Merged outside Slipway (its head is in the target): record it as merged, and retire its work.
        case markMerged(retire: Bool)
        /// Closed, merged or gone: stop its test run and destroy its review app.
        case retire
        /// Closed or merged with nothing left to retire; or gone while a webhook manages it.
        case leave
        /// Gone from the origin without a webhook saying so: record it closed, then retire it.
        case close
        /// A fork's head that may not run under the pipeline's policy: hold it (`approve`: a pending check that
        /// waits for approval) or, under `ignore`, retire what it has.
        case hold(policy: ForkPullRequestPolicy, retire: Bool)
        /// The test merge succeeded: make sure it is tested and its review app follows it.
        case test(merge: ObjectID)
        /// No test merge: stop the test run and record `ci` on the head with this state and description.
        case failHead(CheckState, description: String)
    }

    /// The record as the scan leaves it: created for a pull request seen for the first time (named after the
    /// branch whose tip is its head, else `pr-<N>`), its head followed on a push (a stale one wakes up), nil
    /// when nothing changed.
    public static func followHead(_ record: PullRequestRecord?, status: PullRequestStatus, pipeline: ResourceName,
                                  branch: String?) -> PullRequestRecord? {
        guard var record else {
            return PullRequestRecord(pipeline: pipeline, number: status.number, branch: branch ?? "pr-\(status.number)",
                                     headCommit: status.head.hex)
        }
        guard record.headCommit != status.head.hex else { return nil }
        record.headCommit = status.head.hex
        if record.state == .stale { record.state = .open }
        return record
    }

    /// The decision for a pull request the scan found, given its record after `followHead`.
    /// - Parameter hasSomethingToRetire: it has a live review app or a running test run.
    public static func decide(_ record: PullRequestRecord, status: PullRequestStatus, forkPolicy: ForkPullRequestPolicy,
                              targetBranch: String, hasSomethingToRetire: Bool) -> Decision {
        if status.alreadyMerged && record.state == .open { return .markMerged(retire: hasSomethingToRetire) }
        guard record.state == .open else { return hasSomethingToRetire ? .retire : .leave }
        guard record.mayRun(under: forkPolicy) else { return .hold(policy: forkPolicy, retire: hasSomethingToRetire) }
        switch status.outcome {
        case .merged(let merge, _):
            return .test(merge: merge)
        case .conflicts(let paths):
            return .failHead(.failure, description: GateRefusal.conflicts(paths).reason)
        case .unrelatedHistories:
            return .failHead(.error, description: "unrelated histories: cannot merge into \(targetBranch)")
        case .failed(let message):
            return .failHead(.error, description: GateRefusal.cannotMerge(message).reason)
        }
    }

    /// The decision for a recorded pull request whose ref is gone from the origin. An open one is closed, unless
    /// webhooks manage it (a webhook may announce a pull request a moment before its ref can be fetched).
    public static func decideGone(_ record: PullRequestRecord, hasSomethingToRetire: Bool) -> Decision {
        if record.state == .open { return record.eventAt == nil ? .close : .leave }
        return hasSomethingToRetire ? .retire : .leave
    }
}
