import Foundation
import Logging
import Orchestration
import SlipwayModel

/// Reports each review app as a GitHub Deployment: environment `pr-<N>`, transient, `ref` = the head sha, no
/// required contexts and no auto-merge; its statuses `in_progress`, then `success` with the review app's URL and
/// its dashboard page, or `failure` with the reason; `inactive` when the app is destroyed. Each deploy is a new
/// deployment (GitHub marks the earlier ones inactive). Statuses refer to their deployment through the outbox
/// (`{deployment_id}`), so they wait for it and go out in order.
public struct GitHubDeploymentReporter: ReviewAppObserver {
    let store: any SlipwayStore
    let sender: GitHubDeliverySender
    let links: DashboardLinks
    let comments: GitHubPullRequestComments
    let logger: Logger

    public init(store: any SlipwayStore, sender: GitHubDeliverySender, links: DashboardLinks, reviewAppURL: @escaping @Sendable (String) -> String,
                logger: Logger = Logger(label: "slipway.github")) {
        self.store = store
        self.sender = sender
        self.links = links
        self.comments = GitHubPullRequestComments(store: store, sender: sender, links: links, reviewAppURL: reviewAppURL)
        self.logger = logger
    }

    struct DeploymentBody: Encodable {
        var ref: String
        var task = "deploy"
        var auto_merge = false
        var required_contexts: [String] = []
        var environment: String
        var description: String
        var transient_environment: Bool
        var production_environment: Bool
    }

    struct StatusBody: Encodable {
        var state: String
        var description: String?
        var environment_url: String?
        var log_url: String?
    }

    /// A staging deploy after a merge: a deployment to environment `staging` (not transient, not production) of
    /// the merge commit, with its outcome.
    public func stagingDeployed(_ event: StagingDeployEvent) async {
        do {
            guard let settings = try await store.gitHubSettings(pipeline: event.pipeline) else { return }
            let outbox = GitHubOutbox(store: store, sender: sender, settings: settings)
            let orderingKey = "deployment:\(event.environment):\(event.app)"
            try await outbox.enqueue(.deployment, orderingKey: orderingKey, coalesceKey: nil, path: "/deployments", body: DeploymentBody(
                ref: event.commit, environment: event.environment, description: "Release of \(event.app)",
                transient_environment: false, production_environment: event.environment == "production"))
            try await outbox.enqueue(.deploymentStatus, orderingKey: orderingKey, coalesceKey: nil,
                                     path: "/deployments/\(GitHubRequest.deploymentID)/statuses", body: StatusBody(
                state: event.succeeded ? "success" : "failure",
                description: CommitStatusBody.clipped(event.succeeded ? "\(event.app) deployed" : event.reason ?? "the deploy failed"),
                environment_url: event.succeeded ? event.url : nil, log_url: links.absolute("/apps/\(event.app)")))
        } catch {
            logger.warning("cannot queue a \(event.environment) deployment for GitHub", metadata: ["pipeline": "\(event.pipeline)", "error": "\(error)"])
        }
    }

    public func reviewApp(_ event: ReviewAppEvent) async {
        do {
            guard let settings = try await store.gitHubSettings(pipeline: event.pipeline) else { return }
            let outbox = GitHubOutbox(store: store, sender: sender, settings: settings)
            let environment = "pr-\(event.prNumber)"
            let orderingKey = "deployment:\(environment)"
            let statuses = "/deployments/\(GitHubRequest.deploymentID)/statuses"
            let logURL = links.absolute("/apps/\(event.app)")
            func status(_ state: String, _ description: String?, url: String? = nil) async throws {
                try await outbox.enqueue(.deploymentStatus, orderingKey: orderingKey, coalesceKey: nil, path: statuses, body: StatusBody(
                    state: state, description: description.map(CommitStatusBody.clipped), environment_url: url, log_url: logURL))
            }
            switch event.kind {
            case .deploying:
                try await outbox.enqueue(.deployment, orderingKey: orderingKey, coalesceKey: nil, path: "/deployments", body: DeploymentBody(
                    ref: event.headCommit, environment: environment, description: "Review app \(event.app) for #\(event.prNumber)",
                    transient_environment: true, production_environment: false))
                try await status("in_progress", "deploying the test merge of \(event.headCommit.prefix(7))")
            case .deployed(let url):
                try await status("success", "review app deployed", url: url)
            case .failed(let reason):
                try await status("failure", reason)
            case .destroyed:
                try await status("inactive", "review app destroyed")
            }
            if settings.pullRequestComment { try await comments.update(settings: settings, prNumber: event.prNumber) }
        } catch {
            logger.warning("cannot queue a deployment for GitHub", metadata: [
                "pipeline": "\(event.pipeline)", "pr": "\(event.prNumber)", "error": "\(error)",
            ])
        }
    }
}
