import Foundation

/// One request to GitHub waiting in (or done with) the durable outbox: every report to GitHub leaves through it,
/// so a restart loses nothing.
public struct GitHubDelivery: Sendable, Equatable, Identifiable {
    /// Assigned by the store, increasing in enqueueing order (the order GitHub sees for one `orderingKey`).
    public var id: Int64
    public var pipeline: ResourceName
    public var kind: GitHubDeliveryKind
    /// Deliveries with the same key go out one at a time, oldest first (a commit status's sha).
    public var orderingKey: String
    /// A newer waiting delivery with the same key replaces an older waiting one (status `sha` + `context`).
    public var coalesceKey: String?
    public var request: GitHubRequest
    public var state: GitHubDeliveryState
    public var attempts: Int
    /// When the sender may try it (again).
    public var nextAttemptAt: Date
    /// GitHub's last answer: its HTTP status (nil when none came: a timeout, a refused connection) and body
    /// or the reason, cut to a few hundred characters.
    public var lastStatus: Int?
    public var lastResponse: String?
    /// The id of what the delivery created on GitHub (a deployment, a comment), once delivered.
    public var resourceID: Int64?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(id: Int64 = 0, pipeline: ResourceName, kind: GitHubDeliveryKind, orderingKey: String, coalesceKey: String?,
                request: GitHubRequest, state: GitHubDeliveryState = .pending, attempts: Int = 0, nextAttemptAt: Date = Date(),
                lastStatus: Int? = nil, lastResponse: String? = nil, resourceID: Int64? = nil, createdAt: Date = Date(),
                finishedAt: Date? = nil) {
        self.id = id
        self.pipeline = pipeline
        self.kind = kind
        self.orderingKey = orderingKey
        self.coalesceKey = coalesceKey
        self.request = request
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastResponse = lastResponse
        self.resourceID = resourceID
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}

/// What a delivery reports.
public enum GitHubDeliveryKind: String, Sendable, Codable, CaseIterable {
    case commitStatus = "commit_status"
    case deployment
    case deploymentStatus = "deployment_status"
    case comment
}

public enum GitHubDeliveryState: String, Sendable, Codable, CaseIterable {
    /// Waiting to be sent, or to be sent again.
    case pending
    /// GitHub accepted it.
    case delivered
    /// GitHub refused it (401, 422, …) or it kept failing; `lastStatus` / `lastResponse` say why.
    case failed
    /// A newer delivery with the same coalescing key replaced it before it was sent.
    case superseded
}

/// An HTTP request to GitHub's REST API, relative to the pipeline's API base URL; the body is JSON text. A path may
/// name `{deployment_id}` or `{comment_id}`: the sender puts in the id GitHub gave the latest delivered deployment or
/// comment of the same ordering key (they are created by an earlier delivery).
public struct GitHubRequest: Sendable, Equatable, Codable {
    public static let deploymentID = "{deployment_id}"
    public static let commentID = "{comment_id}"

    public var method: GitHubMethod
    /// `/repos/{owner}/{repo}/statuses/{sha}`.
    public var path: String
    public var body: String

    public init(method: GitHubMethod, path: String, body: String) {
        self.method = method
        self.path = path
        self.body = body
    }
}

public enum GitHubMethod: String, Sendable, Codable, CaseIterable {
    case post = "POST", patch = "PATCH"
}

/// What one attempt at a delivery came to.
public enum GitHubAttemptOutcome: Sendable, Equatable {
    /// `resourceID`: the id GitHub gave what it created.
    case delivered(status: Int, response: String, resourceID: Int64? = nil)
    /// Try again at `at` (a 5xx, a timeout, a rate limit).
    case retry(at: Date, status: Int?, response: String)
    /// Give up: GitHub refused it, or it failed too often.
    case failed(status: Int?, response: String)
}
