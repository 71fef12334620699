import Foundation

/// Whether a pull request is being worked on.
public enum PullRequestState: String, Sendable, Codable, CaseIterable {
    case open, closed
    /// Merged, by the gate or (as a webhook said) elsewhere.
    case merged
    /// Open, but its review app was destroyed for inactivity (`stale_days`); a new push opens it again.
    case stale
}

/// What Slipway knows about one pull request of a pipeline: the state its webhooks (or the gate) left it in.
///
/// Refs alone cannot say that a pull request was closed (GitHub keeps `refs/pull/<N>/head` forever), so
/// this record is what stops a closed pull request from getting its review app back at the next poll.
public struct PullRequestRecord: Sendable, Codable, Equatable {
    public var pipeline: ResourceName
    public var number: Int
    public var state: PullRequestState
    /// The head branch (`HEROKU_BRANCH`); `pr-<N>` when only the ref is known.
    public var branch: String
    /// The head commit the last event or scan named.
    public var headCommit: String
    /// Whether the head lives in another repository (no pipeline secrets by default).
    public var fromFork: Bool
    /// The last approval to run this fork pull request's code (`slipway pr approve`); it covers only the head it
    /// names, so a new push waits again.
    public var approval: ForkApproval?
    /// The newest event time applied (GitHub's `pull_request.updated_at`): an older delivery arriving later
    /// changes nothing.
    public var eventAt: Date?
    public var updatedAt: Date

    public init(pipeline: ResourceName, number: Int, state: PullRequestState = .open, branch: String,
                headCommit: String, fromFork: Bool = false, approval: ForkApproval? = nil, eventAt: Date? = nil,
                updatedAt: Date = Date()) {
        self.pipeline = pipeline
        self.number = number
        self.state = state
        self.branch = branch
        self.headCommit = headCommit
        self.fromFork = fromFork
        self.approval = approval
        self.eventAt = eventAt
        self.updatedAt = updatedAt
    }
}

/// Who approved which head of a fork pull request, and when.
public struct ForkApproval: Sendable, Codable, Equatable {
    /// The head commit approved; a different head is not approved.
    public var headCommit: String
    /// The name of the API token that approved it.
    public var approvedBy: String
    public var approvedAt: Date

    public init(headCommit: String, approvedBy: String, approvedAt: Date = Date()) {
        self.headCommit = headCommit
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
    }
}

extension PullRequestRecord {
    /// Whether this pull request's current head may run under `policy`: always for one from the pipeline's own
    /// repository; for a fork, as the policy says (`approve`: only the approved head).
    public func mayRun(under policy: ForkPullRequestPolicy) -> Bool {
        guard fromFork else { return true }
        switch policy {
        case .run: return true
        case .ignore: return false
        case .approve: return approval?.headCommit == headCommit
        }
    }
}
