import Foundation
import SlipwayModel

/// Told when a review app starts deploying, is deployed, fails or is destroyed, and when the gate deploys the
/// pipeline's staging apps after a merge: the seam where reporting deployments to a forge plugs in. Like
/// `CheckObserver`, an observer must not block: it queues what it sends.
public protocol ReviewAppObserver: Sendable {
    func reviewApp(_ event: ReviewAppEvent) async
    func stagingDeployed(_ event: StagingDeployEvent) async
}

/// One pipeline app deployed (or not) outside review: a staging app from the target's new tip after the gate merged
/// a pull request, or a staging or production app that a promotion released (`environment` says which).
public struct StagingDeployEvent: Sendable, Equatable {
    public var pipeline: ResourceName
    public var app: ResourceName
    /// `staging` or `production`: the GitHub environment the release is reported to.
    public var environment: String
    /// The merge commit the target moved to.
    public var commit: String
    /// The app's URL through the router.
    public var url: String
    public var succeeded: Bool
    public var reason: String?

    public init(pipeline: ResourceName, app: ResourceName, commit: String, url: String, succeeded: Bool, reason: String?,
                environment: String = "staging") {
        self.pipeline = pipeline
        self.app = app
        self.environment = environment
        self.commit = commit
        self.url = url
        self.succeeded = succeeded
        self.reason = reason
    }
}

/// What happened to one pull request's review app.
public struct ReviewAppEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A deploy of `headCommit` (as its test merge) started.
        case deploying
        /// It serves `url`.
        case deployed(url: String)
        /// The deploy failed for `reason`.
        case failed(reason: String)
        /// The app is gone (the pull request closed, merged or went stale).
        case destroyed
    }

    public var kind: Kind
    public var pipeline: ResourceName
    public var prNumber: Int
    public var app: ResourceName
    /// The pull request's head the app runs (its test merge, to be exact).
    public var headCommit: String

    public init(_ kind: Kind, pipeline: ResourceName, prNumber: Int, app: ResourceName, headCommit: String) {
        self.kind = kind
        self.pipeline = pipeline
        self.prNumber = prNumber
        self.app = app
        self.headCommit = headCommit
    }
}
