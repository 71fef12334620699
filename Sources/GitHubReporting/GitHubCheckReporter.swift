import Foundation
import Logging
import Orchestration
import SlipwayModel

/// Turns every check recorded on a pull request's head into a commit status in the outbox (`POST
/// /repos/{owner}/{repo}/statuses/{sha}`), for pipelines with GitHub settings. Test-merge commits exist only in
/// Slipway's mirror, so their statuses are not sent. It only enqueues: the sender does the rest.
public struct GitHubCheckReporter: CheckObserver {
    let store: any SlipwayStore
    let sender: GitHubDeliverySender
    let links: DashboardLinks
    let comments: GitHubPullRequestComments
    let logger: Logger

    /// `reviewAppURL`: a review app's URL from its router host (the pull-request comment shows it).
    public init(store: any SlipwayStore, sender: GitHubDeliverySender, links: DashboardLinks,
                reviewAppURL: @escaping @Sendable (String) -> String = { "http://\($0)/" },
                logger: Logger = Logger(label: "slipway.github")) {
        self.store = store
        self.sender = sender
        self.links = links
        self.comments = GitHubPullRequestComments(store: store, sender: sender, links: links, reviewAppURL: reviewAppURL)
        self.logger = logger
    }

    public func recorded(_ check: Check) async {
        do {
            guard let settings = try await store.gitHubSettings(pipeline: check.pipeline) else { return }
            let pullRequests = try await store.pullRequests(pipeline: check.pipeline, state: nil)
            let heads = pullRequests.filter { $0.headCommit == check.commit }
            guard !heads.isEmpty else { return }
            let body = CommitStatusBody(state: check.state.rawValue, targetURL: links.absolute(check.targetURL),
                                        description: CommitStatusBody.clipped(check.description), context: check.context)
            let path = "/repos/\(settings.owner)/\(settings.repository)/statuses/\(check.commit)"
            _ = try await store.enqueueGitHubDelivery(GitHubDelivery(
                pipeline: check.pipeline, kind: .commitStatus, orderingKey: check.commit,
                coalesceKey: "status:\(check.commit):\(check.context)",
                request: GitHubRequest(method: .post, path: path, body: try JSONBody.encode(body))))
            await sender.poke()
            if settings.pullRequestComment {
                for pullRequest in heads where pullRequest.state == .open {
                    try await comments.update(settings: settings, prNumber: pullRequest.number)
                }
            }
        } catch {
            logger.warning("cannot queue a commit status for GitHub", metadata: [
                "pipeline": "\(check.pipeline)", "commit": "\(check.commit)", "error": "\(error)",
            ])
        }
    }
}

/// The body of "create a commit status".
struct CommitStatusBody: Encodable {
    var state: String
    var targetURL: String?
    var description: String
    var context: String

    enum CodingKeys: String, CodingKey {
        case state, description, context
        case targetURL = "target_url"
    }

    /// GitHub keeps 140 characters of a description.
    static let descriptionLimit = 140

    static func clipped(_ text: String) -> String {
        text.count <= descriptionLimit ? text : String(text.prefix(descriptionLimit - 1)) + "…"
    }
}

enum JSONBody {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Where the dashboard is reachable from outside (`serve --public-url`): the links Slipway sends to GitHub.
public struct DashboardLinks: Sendable, Equatable {
    /// Without a trailing slash; nil: no links are sent.
    public var publicURL: String?

    public init(publicURL: String?) {
        var url = publicURL
        while url?.hasSuffix("/") == true { url?.removeLast() }
        self.publicURL = url
    }

    /// `path` (`/test-runs/<id>`) under the public URL; an absolute http(s) URL as it is; nil otherwise.
    public func absolute(_ path: String?) -> String? {
        guard let path else { return nil }
        if path.hasPrefix("https://") || path.hasPrefix("http://") { return path }
        guard let publicURL, path.hasPrefix("/") else { return nil }
        return publicURL + path
    }
}
