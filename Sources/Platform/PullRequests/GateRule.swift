import Foundation
import GitKit
import SlipwayModel

/// The merge gate's rule, apart from any I/O: may this pull request's test merge become the target?
///
/// The target may move only to a merge commit that was made against the target's current tip and whose
/// every required check succeeded ("not rocket science"). The reasons are the words `slipway pr merge`
/// prints and the dashboard shows.
public enum GateRule {
    public enum Verdict: Sendable, Equatable {
        /// Merge: move the target from `expectedTarget` to `mergeCommit` by compare-and-swap.
        case merge(mergeCommit: ObjectID, expectedTarget: ObjectID)
        case refuse(GateRefusal)
    }

    /// - Parameters:
    ///   - status: the pull request's test merge against the target's current tip (a fresh scan).
    ///   - checks: the latest state of each check context on `status.mergeCommit`.
    ///   - required: the contexts that must have succeeded (`ci`).
    public static func decide(status: PullRequestStatus, checks: [String: CheckState], required: [String]) -> Verdict {
        switch status.outcome {
        case .conflicts(let paths):
            return .refuse(.conflicts(paths))
        case .unrelatedHistories:
            return .refuse(.unrelatedHistories)
        case .failed(let message):
            return .refuse(.cannotMerge(message))
        case .merged(let commit, _):
            if status.alreadyMerged { return .refuse(.alreadyMerged) }
            for context in required {
                switch checks[context] {
                case .success: continue
                case .pending: return .refuse(.checkPending(context: context))
                case .failure: return .refuse(.checkFailed(context: context))
                case .error: return .refuse(.checkErrored(context: context))
                case nil: return .refuse(.checkMissing(context: context))
                }
            }
            return .merge(mergeCommit: commit, expectedTarget: status.target)
        }
    }
}
