import Foundation

/// How a pipeline reports back to GitHub (`slipway pipelines github`): which repository, which API, which
/// credentials, and whether it keeps one pull-request comment up to date.
public struct GitHubSettings: Sendable, Equatable {
    public var pipeline: ResourceName
    /// The repository's owner and name on GitHub (`octo-org` / `shop`).
    public var owner: String
    public var repository: String
    /// `https://api.github.com`, or a GitHub Enterprise API (`https://ghe.example.com/api/v3`), without a trailing slash.
    public var apiBaseURL: String
    /// A secret: never shown, logged or put in an error (its `description` says only which kind it is).
    public var credentials: GitHubCredentials
    /// Whether Slipway keeps one comment on each pull request (created once, then edited in place).
    public var pullRequestComment: Bool
    public var updatedAt: Date

    public static let defaultAPIBaseURL = "https://api.github.com"

    public init(pipeline: ResourceName, owner: String, repository: String, apiBaseURL: String = GitHubSettings.defaultAPIBaseURL,
                credentials: GitHubCredentials, pullRequestComment: Bool = false, updatedAt: Date = Date()) {
        self.pipeline = pipeline
        self.owner = owner
        self.repository = repository
        self.apiBaseURL = apiBaseURL
        self.credentials = credentials
        self.pullRequestComment = pullRequestComment
        self.updatedAt = updatedAt
    }
}

/// A personal access token (or any token GitHub accepts as `Bearer`), or a GitHub App installation: its app
/// id, installation id and RSA private key (PEM), from which Slipway signs a JWT and gets installation tokens.
public enum GitHubCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    case token(String)
    case app(appID: String, installationID: Int64, privateKeyPEM: String)

    /// What kind of credentials these are, never the secret part.
    public var kind: GitHubCredentialKind {
        switch self {
        case .token: .token
        case .app: .app
        }
    }

    public var description: String {
        switch self {
        case .token: "a token (hidden)"
        case .app(let appID, let installationID, _): "GitHub App \(appID), installation \(installationID) (key hidden)"
        }
    }

    public var debugDescription: String { description }
}

public enum GitHubCredentialKind: String, Sendable, Codable, CaseIterable {
    case token, app
}
