import Foundation

/// Where an app sits in its pipeline.
public enum AppStage: String, Sendable, Codable, CaseIterable {
    case review, development, staging, production
}

/// A named deployment target: config vars, formation, releases and dynos hang off it.
public struct App: Sendable, Codable, Equatable {
    public var name: ResourceName
    /// The pipeline the app belongs to, or nil for a stand-alone app.
    public var pipeline: ResourceName?
    /// The app's stage in `pipeline`; nil exactly when `pipeline` is nil.
    public var stage: AppStage?
    public var createdAt: Date
    /// Set for review apps (stage `review` created for a pull request), nil otherwise.
    public var review: ReviewAppDetails?

    public init(
        name: ResourceName,
        pipeline: ResourceName? = nil,
        stage: AppStage? = nil,
        createdAt: Date = Date(),
        review: ReviewAppDetails? = nil
    ) {
        self.name = name
        self.pipeline = pipeline
        self.stage = stage
        self.createdAt = createdAt
        self.review = review
    }
}

/// The lifecycle of a review app.
public enum ReviewAppState: String, Sendable, Codable, CaseIterable {
    case creating, deployed, failed, destroyed
}

/// What a review app remembers about its pull request.
public struct ReviewAppDetails: Sendable, Codable, Equatable {
    public var prNumber: Int
    /// The pull request's head branch (`HEROKU_BRANCH`).
    public var branch: String
    /// The pull request's head commit id.
    public var headCommit: String
    /// The test merge commit the app runs, when one has been made.
    public var mergeCommit: String?
    /// Whether the pull request comes from a fork (forks do not get the pipeline's review config vars
    /// unless the pipeline opts in).
    public var fromFork: Bool
    public var state: ReviewAppState
    /// When the app was last deployed; the reaper destroys apps with no deploy for `stale_days`.
    public var lastDeployedAt: Date?
    /// The router host, `pr-<N>.<pipeline>.<domain>`.
    public var urlHost: String?

    public init(
        prNumber: Int,
        branch: String,
        headCommit: String,
        mergeCommit: String? = nil,
        fromFork: Bool = false,
        state: ReviewAppState = .creating,
        lastDeployedAt: Date? = nil,
        urlHost: String? = nil
    ) {
        self.prNumber = prNumber
        self.branch = branch
        self.headCommit = headCommit
        self.mergeCommit = mergeCommit
        self.fromFork = fromFork
        self.state = state
        self.lastDeployedAt = lastDeployedAt
        self.urlHost = urlHost
    }
}
