import Foundation
import SlipwayModel
import GRDB

/// A pipeline's GitHub settings as stored (credentials in plain columns of the data dir's database, which is
/// mode 0700 like the admin token; never shown).
struct GitHubSettingsRow: StoreRecord {
    static let databaseTableName = "github_settings"

    var pipeline: String
    var owner: String
    var repository: String
    var apiBaseUrl: String
    var credentialKind: String
    var token: String?
    var appId: String?
    var installationId: Int64?
    var privateKey: String?
    var pullRequestComment: Bool
    var updatedAt: Int64

    init(_ settings: GitHubSettings) {
        let columns = GitHubSettingsColumns(settings.credentials)
        pipeline = settings.pipeline.rawValue
        owner = settings.owner
        repository = settings.repository
        apiBaseUrl = settings.apiBaseURL
        credentialKind = columns.credentialKind
        token = columns.token
        appId = columns.appID
        installationId = columns.installationID
        privateKey = columns.privateKey
        pullRequestComment = settings.pullRequestComment
        updatedAt = settings.updatedAt.storeMilliseconds
    }

    func value() throws -> GitHubSettings {
        let columns = GitHubSettingsColumns(credentialKind: credentialKind, token: token, appID: appId,
                                            installationID: installationId, privateKey: privateKey)
        return GitHubSettings(pipeline: try storedName(pipeline), owner: owner, repository: repository, apiBaseURL: apiBaseUrl,
                              credentials: try columns.credentials(), pullRequestComment: pullRequestComment,
                              updatedAt: Date(storeMilliseconds: updatedAt))
    }
}

/// One request in the outbox.
struct GitHubDeliveryRow: StoreRecord {
    static let databaseTableName = "github_deliveries"

    var id: Int64?
    var pipeline: String
    var kind: String
    var orderingKey: String
    var coalesceKey: String?
    var method: String
    var path: String
    var body: String
    var state: String
    var attempts: Int
    var nextAttemptAt: Int64
    var lastStatus: Int?
    var lastResponse: String?
    var resourceId: Int64?
    var createdAt: Int64
    var finishedAt: Int64?

    init(_ delivery: GitHubDelivery) {
        id = nil
        pipeline = delivery.pipeline.rawValue
        kind = delivery.kind.rawValue
        orderingKey = delivery.orderingKey
        coalesceKey = delivery.coalesceKey
        method = delivery.request.method.rawValue
        path = delivery.request.path
        body = delivery.request.body
        state = delivery.state.rawValue
        attempts = delivery.attempts
        nextAttemptAt = delivery.nextAttemptAt.storeMilliseconds
        lastStatus = delivery.lastStatus
        lastResponse = delivery.lastResponse
        resourceId = delivery.resourceID
        createdAt = delivery.createdAt.storeMilliseconds
        finishedAt = delivery.finishedAt?.storeMilliseconds
    }

    func value() throws -> GitHubDelivery {
        GitHubDelivery(
            id: id ?? 0, pipeline: try storedName(pipeline), kind: try storedEnum(kind, GitHubDeliveryKind.self),
            orderingKey: orderingKey, coalesceKey: coalesceKey,
            request: GitHubRequest(method: try storedEnum(method, GitHubMethod.self), path: path, body: body),
            state: try storedEnum(state, GitHubDeliveryState.self), attempts: attempts,
            nextAttemptAt: Date(storeMilliseconds: nextAttemptAt), lastStatus: lastStatus, lastResponse: lastResponse,
            resourceID: resourceId, createdAt: Date(storeMilliseconds: createdAt), finishedAt: finishedAt.map(Date.init(storeMilliseconds:)))
    }
}
