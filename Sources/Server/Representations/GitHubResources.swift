import Foundation
import SlipwayModel

/// A pipeline's GitHub settings as shown: which repository, API and kind of credentials, never the secret.
public struct GitHubSettingsResource: Codable, Sendable, Equatable {
    public var pipeline: String
    public var owner: String
    public var repository: String
    public var apiURL: String
    /// `token` or `app`.
    public var credentials: String
    public var appID: String?
    public var installationID: Int64?
    public var pullRequestComment: Bool
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case pipeline, owner, repository, credentials
        case apiURL = "api_url"
        case appID = "app_id"
        case installationID = "installation_id"
        case pullRequestComment = "pull_request_comment"
        case updatedAt = "updated_at"
    }

    init(_ settings: GitHubSettings) {
        pipeline = settings.pipeline.rawValue
        owner = settings.owner
        repository = settings.repository
        apiURL = settings.apiBaseURL
        credentials = settings.credentials.kind.rawValue
        if case .app(let appID, let installationID, _) = settings.credentials {
            self.appID = appID
            self.installationID = installationID
        }
        pullRequestComment = settings.pullRequestComment
        updatedAt = settings.updatedAt
    }
}

/// One delivery of the GitHub outbox, with GitHub's last answer.
public struct GitHubDeliveryResource: Codable, Sendable, Equatable {
    public var id: Int64
    public var pipeline: String
    public var kind: String
    public var method: String
    public var path: String
    public var state: String
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastStatus: Int?
    public var lastResponse: String?
    public var createdAt: Date
    public var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, pipeline, kind, method, path, state, attempts
        case nextAttemptAt = "next_attempt_at"
        case lastStatus = "last_status"
        case lastResponse = "last_response"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }

    init(_ delivery: GitHubDelivery) {
        id = delivery.id
        pipeline = delivery.pipeline.rawValue
        kind = delivery.kind.rawValue
        method = delivery.request.method.rawValue
        path = delivery.request.path
        state = delivery.state.rawValue
        attempts = delivery.attempts
        nextAttemptAt = delivery.nextAttemptAt
        lastStatus = delivery.lastStatus
        lastResponse = delivery.lastResponse
        createdAt = delivery.createdAt
        finishedAt = delivery.finishedAt
    }
}
