import Foundation
import SlipwayModel
import Store

/// An app as the API shows it.
public struct AppResource: Codable, Sendable, Equatable {
    public var name: String
    public var pipeline: String?
    public var stage: String?
    public var createdAt: Date
    public var review: ReviewResource?

    enum CodingKeys: String, CodingKey {
        case name, pipeline, stage, review
        case createdAt = "created_at"
    }

    init(_ app: App) {
        name = app.name.rawValue
        pipeline = app.pipeline?.rawValue
        stage = app.stage?.rawValue
        createdAt = app.createdAt
        review = app.review.map(ReviewResource.init)
    }
}

/// What a review app remembers about its pull request.
public struct ReviewResource: Codable, Sendable, Equatable {
    public var prNumber: Int
    public var branch: String
    public var headCommit: String
    public var mergeCommit: String?
    public var fromFork: Bool
    public var state: String
    public var urlHost: String?

    enum CodingKeys: String, CodingKey {
        case branch, state
        case prNumber = "pr_number"
        case headCommit = "head_commit"
        case mergeCommit = "merge_commit"
        case fromFork = "from_fork"
        case urlHost = "url_host"
    }

    init(_ review: ReviewAppDetails) {
        prNumber = review.prNumber
        branch = review.branch
        headCommit = review.headCommit
        mergeCommit = review.mergeCommit
        fromFork = review.fromFork
        state = review.state.rawValue
        urlHost = review.urlHost
    }
}
