import Foundation
import SlipwayModel

/// The columns of `github_settings` and `github_deliveries`, shared by both stores so they read and write the same
/// values the same way.
struct GitHubSettingsColumns: Sendable {
    var credentialKind: String
    var token: String?
    var appID: String?
    var installationID: Int64?
    var privateKey: String?

    init(_ credentials: GitHubCredentials) {
        credentialKind = credentials.kind.rawValue
        switch credentials {
        case .token(let token):
            self.token = token
        case .app(let appID, let installationID, let privateKeyPEM):
            self.appID = appID
            self.installationID = installationID
            self.privateKey = privateKeyPEM
        }
    }

    init(credentialKind: String, token: String?, appID: String?, installationID: Int64?, privateKey: String?) {
        self.credentialKind = credentialKind
        self.token = token
        self.appID = appID
        self.installationID = installationID
        self.privateKey = privateKey
    }

    func credentials() throws -> GitHubCredentials {
        switch try storedEnum(credentialKind, GitHubCredentialKind.self) {
        case .token:
            guard let token else { throw StoreError(.database, "the GitHub settings hold no token (was the database edited by hand?)") }
            return .token(token)
        case .app:
            guard let appID, let installationID, let privateKey else {
                throw StoreError(.database, "the GitHub settings hold an incomplete GitHub App (was the database edited by hand?)")
            }
            return .app(appID: appID, installationID: installationID, privateKeyPEM: privateKey)
        }
    }
}

enum GitHubStoredValues {
    /// How much of GitHub's answer is kept per delivery.
    static let responseLimit = 600

    static func clipped(_ text: String) -> String {
        text.count <= responseLimit ? text : String(text.prefix(responseLimit)) + "…"
    }

    static func validate(_ settings: GitHubSettings) throws(StoreError) {
        try Validation.nonEmpty(settings.owner, field: "owner")
        try Validation.nonEmpty(settings.repository, field: "repository")
        try Validation.nonEmpty(settings.apiBaseURL, field: "api_url")
    }

    static func validate(_ delivery: GitHubDelivery) throws(StoreError) {
        try Validation.nonEmpty(delivery.orderingKey, field: "ordering_key")
        try Validation.nonEmpty(delivery.request.path, field: "path")
    }

    /// The columns an attempt's outcome writes: state, next attempt, status, response, finished.
    static func columns(for outcome: GitHubAttemptOutcome, now: Date)
        -> (state: GitHubDeliveryState, next: Int64?, status: Int?, response: String, finished: Int64?, resourceID: Int64?) {
        switch outcome {
        case .delivered(let status, let response, let resourceID):
            (.delivered, nil, status, clipped(response), now.storeMilliseconds, resourceID)
        case .retry(let at, let status, let response):
            (.pending, at.storeMilliseconds, status, clipped(response), nil, nil)
        case .failed(let status, let response):
            (.failed, nil, status, clipped(response), now.storeMilliseconds, nil)
        }
    }
}
