import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayModel

/// Sends one request to a pipeline's GitHub API with its credentials: a token as is, a GitHub App through an
/// installation token (see `InstallationTokens`). Speaks HTTP through async-http-client only.
public struct GitHubAPIClient: Sendable {
    let http: HTTPClient
    /// How long one request may take, answer included.
    let timeout: Duration
    let tokens: InstallationTokens

    public init(http: HTTPClient = .shared, timeout: Duration = .seconds(10)) {
        self.http = http
        self.timeout = timeout
        self.tokens = InstallationTokens()
    }

    /// GitHub's answer to `request`; throws `transport` when none came in time and `credentials` when an App's
    /// installation token could not be had (with GitHub's status, when it answered).
    public func send(_ request: GitHubRequest, settings: GitHubSettings) async throws(GitHubReportingError) -> GitHubAnswer {
        let token = try await accessToken(settings)
        return try await perform(method: request.method.rawValue, url: settings.apiBaseURL + request.path,
                                 bearer: token, body: request.body)
    }

    /// Forgets a cached installation token (GitHub answered 401 with it).
    public func invalidateToken(for settings: GitHubSettings) async {
        await tokens.invalidate(InstallationTokens.Key(settings))
    }

    func accessToken(_ settings: GitHubSettings) async throws(GitHubReportingError) -> String {
        switch settings.credentials {
        case .token(let token):
            return token
        case .app(let appID, let installationID, let privateKeyPEM):
            return try await tokens.token(for: InstallationTokens.Key(settings)) { () async throws(GitHubReportingError) in
                let jwt = try await GitHubAppJWT.sign(appID: appID, privateKeyPEM: privateKeyPEM)
                let answer = try await perform(method: "POST", url: "\(settings.apiBaseURL)/app/installations/\(installationID)/access_tokens",
                                               bearer: jwt, body: nil)
                guard answer.isSuccess else {
                    throw GitHubReportingError(.credentials, "GitHub refused an installation token: \(answer.status) \(answer.summary)",
                                               status: answer.status)
                }
                struct Issued: Decodable { var token: String; var expires_at: String }
                guard let issued = try? JSONDecoder().decode(Issued.self, from: Data(answer.body.utf8)),
                      let expires = ISO8601DateFormatter().date(from: issued.expires_at)
                else { throw GitHubReportingError(.answer, "GitHub's installation token answer has no token and expires_at") }
                return (issued.token, expires)
            }
        }
    }

    func perform(method: String, url: String, bearer: String, body: String?) async throws(GitHubReportingError) -> GitHubAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
        request.headers.add(name: "Accept", value: "application/vnd.github+json")
        request.headers.add(name: "X-GitHub-Api-Version", value: "2022-11-28")
        request.headers.add(name: "User-Agent", value: "slipway")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await http.execute(request, timeout: TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                                                        + timeout.components.attoseconds / 1_000_000_000))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            return GitHubAnswer(status: Int(response.status.code), headers: headers, body: String(buffer: bytes))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw GitHubReportingError(.transport, "GitHub did not answer within \(timeout)")
        } catch {
            // The description of a connection error names the host, never the request's headers.
            throw GitHubReportingError(.transport, "GitHub could not be reached: \(error)")
        }
    }
}
