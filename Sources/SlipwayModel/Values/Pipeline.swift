import Foundation

/// One repository and one target branch, with its apps by stage.
public struct Pipeline: Sendable, Codable, Equatable {
    public var name: ResourceName
    /// The repository: a local path or a URL. Kept as given; the store never shows it in an error message
    /// (a URL may carry credentials).
    public var repository: String
    /// The branch the gate merges into (`main` by default).
    public var targetBranch: String
    /// Config vars every review app of this pipeline inherits (SPEC §3); this is where secrets live.
    public var reviewConfigVars: [String: String]
    /// Whether pull requests from forks receive `reviewConfigVars` (off by default, SPEC §3).
    public var forksGetReviewConfigVars: Bool
    /// What happens to pull requests from forks: held for approval (the default), run as any other, or ignored.
    public var forkPullRequests: ForkPullRequestPolicy
    public var createdAt: Date

    public init(
        name: ResourceName,
        repository: String,
        targetBranch: String = "main",
        reviewConfigVars: [String: String] = [:],
        forksGetReviewConfigVars: Bool = false,
        forkPullRequests: ForkPullRequestPolicy = .approve,
        createdAt: Date = Date()
    ) {
        self.name = name
        self.repository = repository
        self.targetBranch = targetBranch
        self.reviewConfigVars = reviewConfigVars
        self.forksGetReviewConfigVars = forksGetReviewConfigVars
        self.forkPullRequests = forkPullRequests
        self.createdAt = createdAt
    }
}

/// A pipeline's `fork_pull_requests` setting (SPEC §7): what Slipway does with a pull request whose head lives
/// in another repository. Code from a fork is code from anyone, so by default it runs only once a person has
/// approved its current head (GitHub's "approve and run").
public enum ForkPullRequestPolicy: String, Sendable, Codable, CaseIterable {
    /// Not built, tested or deployed until `slipway pr approve` approves its current head; a new push needs a
    /// new approval.
    case approve
    /// Built, tested and deployed like any other pull request.
    case run
    /// Nothing: no test run, no check, no review app.
    case ignore
}
