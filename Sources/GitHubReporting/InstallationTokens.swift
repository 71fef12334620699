import Foundation
import SlipwayModel

/// GitHub App installation tokens, cached per API, app and installation until five minutes before they expire
/// (they live an hour), so a burst of deliveries signs one JWT and asks for one token.
actor InstallationTokens {
    struct Key: Hashable, Sendable {
        var apiBaseURL: String
        var appID: String
        var installationID: Int64

        init(_ settings: GitHubSettings) {
            apiBaseURL = settings.apiBaseURL
            if case .app(let appID, let installationID, _) = settings.credentials {
                self.appID = appID
                self.installationID = installationID
            } else {
                appID = ""
                installationID = 0
            }
        }
    }

    private struct Cached {
        var token: String
        var expiresAt: Date
    }

    static let refreshMargin: TimeInterval = 5 * 60
    private var cache: [Key: Cached] = [:]

    func token(for key: Key, issue: @Sendable () async throws(GitHubReportingError) -> (String, Date)) async throws(GitHubReportingError) -> String {
        if let cached = cache[key], cached.expiresAt.timeIntervalSinceNow > Self.refreshMargin { return cached.token }
        let (token, expires) = try await issue()
        cache[key] = Cached(token: token, expiresAt: expires)
        return token
    }

    func invalidate(_ key: Key) {
        cache[key] = nil
    }
}
