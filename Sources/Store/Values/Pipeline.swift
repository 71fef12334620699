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
    public var createdAt: Date

    public init(
        name: ResourceName,
        repository: String,
        targetBranch: String = "main",
        reviewConfigVars: [String: String] = [:],
        forksGetReviewConfigVars: Bool = false,
        createdAt: Date = Date()
    ) {
        self.name = name
        self.repository = repository
        self.targetBranch = targetBranch
        self.reviewConfigVars = reviewConfigVars
        self.forksGetReviewConfigVars = forksGetReviewConfigVars
        self.createdAt = createdAt
    }
}
