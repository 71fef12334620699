import Foundation
import Platform
import SlipwayModel
import Store

/// A review app as `GET /pipelines/{name}/review-apps` and `GET /review-apps/{app}` show it: the app, its
/// pull request and where it answers.
public struct ReviewAppResource: Codable, Sendable, Equatable {
    public var app: String
    public var pipeline: String
    public var prNumber: Int
    public var branch: String
    public var headCommit: String
    public var mergeCommit: String?
    public var fromFork: Bool
    /// `creating`, `deployed`, `failed` or `destroyed`.
    public var state: String
    /// `pr-<N>.<pipeline>.<domain>`, the host the router sends to the app.
    public var urlHost: String?
    /// The URL to open: the host on the router's port. Nil until the app has a host, once it is destroyed,
    /// or when the API runs without a router.
    public var url: String?
    public var lastDeployedAt: Date?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case app, pipeline, branch, state, url
        case prNumber = "pr_number"
        case headCommit = "head_commit"
        case mergeCommit = "merge_commit"
        case fromFork = "from_fork"
        case urlHost = "url_host"
        case lastDeployedAt = "last_deployed_at"
        case createdAt = "created_at"
    }

    /// Nil for an app that is not a review app.
    init?(_ app: App, routerPort: Int?, httpsPort: Int? = nil) {
        guard let review = app.review, let pipeline = app.pipeline else { return nil }
        self.app = app.name.rawValue
        self.pipeline = pipeline.rawValue
        prNumber = review.prNumber
        branch = review.branch
        headCommit = review.headCommit
        mergeCommit = review.mergeCommit
        fromFork = review.fromFork
        state = review.state.rawValue
        urlHost = review.urlHost
        url = review.state == .destroyed ? nil : review.urlHost.flatMap { host in routerPort.map { ReviewAppNaming.url(host: host, routerPort: $0, httpsPort: httpsPort) } }
        lastDeployedAt = review.lastDeployedAt
        createdAt = app.createdAt
    }
}
