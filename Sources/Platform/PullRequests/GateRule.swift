import Foundation
import GitKit

/// The merge gate's rule, apart from any I/O: may this pull request's test merge become the target?
///
/// The target may move only to a merge commit that was made against the target's current tip and whose
/// every required check succeeded ("not rocket science"). The reasons are the words `slipway pr merge`
/// prints and the dashboard shows.
public enum GateRule {
    public enum Verdict: Sendable, Equatable {
        /// Merge: move the target from `expectedTarget` to `mergeCommit` by compare-and-swap.
        case merge(mergeCommit: ObjectID, expectedTarget: ObjectID)
        case refuse(reason: String)
    }

    /// - Parameters:
    ///   - status: the pull request's test merge against the target's current tip (a fresh scan).
    ///   - checks: the latest state of each check context on `status.mergeCommit` (`success`, `pending`, …).
    ///   - required: the contexts that must have succeeded (`ci`).
    public static func decide(status: PullRequestStatus, checks: [String: String], required: [String]) -> Verdict {
        switch status.outcome {
        case .conflicts(let paths):
            return .refuse(reason: "conflicts: " + paths.joined(separator: ", "))
        case .unrelatedHistories:
            return .refuse(reason: "unrelated histories: the pull request shares no history with the target")
        case .failed(let message):
            return .refuse(reason: "cannot merge: \(message)")
        case .merged(let commit, _):
            if status.alreadyMerged { return .refuse(reason: "already merged: the target contains the pull request's head") }
            for context in required {
                switch checks[context] {
                case "success": continue
                case "pending": return .refuse(reason: "check \(context) pending")
                case "failure": return .refuse(reason: "check \(context) failed")
                case "error": return .refuse(reason: "check \(context) errored")
                default: return .refuse(reason: "check \(context) missing: not tested yet")
                }
            }
            return .merge(mergeCommit: commit, expectedTarget: status.target)
        }
    }
}
