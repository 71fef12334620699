/// Why the merge gate did not move the target. `reason` is the sentence `slipway pr merge` prints, the
/// dashboard shows and a gate decision stores.
public enum GateRefusal: Sendable, Equatable {
    /// The test merge has conflicts in these paths.
    case conflicts([String])
    case unrelatedHistories
    /// libgit2 could not make the test merge.
    case cannotMerge(String)
    /// The target contains the pull request's head already.
    case alreadyMerged
    /// The pull request is closed or merged.
    case notOpen(number: Int, state: PullRequestState)
    /// A required check on the test merge commit is not a success (yet).
    case checkPending(context: String)
    case checkFailed(context: String)
    case checkErrored(context: String)
    /// No status of a required check on the current test merge commit.
    case checkMissing(context: String)
    /// The current merge is untested because the target moved since an earlier merge was tested, or it moved
    /// while the gate pushed (bors' "target moved: re-testing").
    case targetMoved
    /// The current merge is untested because the pull request's head moved since an earlier merge was tested.
    case newCommits
    /// The origin refused the gate's push (a protected branch, a hook); the message quotes its answer.
    case pushRefused(String)

    /// Whether the refusal only says the current merge commit has no finished check yet.
    public var awaitsTesting: Bool {
        switch self {
        case .checkPending, .checkMissing: true
        default: false
        }
    }

    public var reason: String {
        switch self {
        case .conflicts(let paths): "conflicts: " + paths.joined(separator: ", ")
        case .unrelatedHistories: "unrelated histories: the pull request shares no history with the target"
        case .cannotMerge(let message): "cannot merge: \(message)"
        case .alreadyMerged: "already merged: the target contains the pull request's head"
        case .notOpen(let number, let state): "pull request #\(number) is \(state.rawValue)"
        case .checkPending(let context): "check \(context) pending"
        case .checkFailed(let context): "check \(context) failed"
        case .checkErrored(let context): "check \(context) errored"
        case .checkMissing(let context): "check \(context) missing: not tested yet"
        case .targetMoved: "target moved: re-testing"
        case .newCommits: "new commits on the pull request: re-testing"
        case .pushRefused(let message): "the push was refused: \(message)"
        }
    }
}
