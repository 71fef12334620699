import Foundation
import JWTKit
import SlipwayModel

/// The JSON Web Token a GitHub App authenticates with (RS256, signed with the App's private key by jwt-kit):
/// issued a minute in the past against clock drift, valid for nine minutes (GitHub allows ten), issuer = app id.
enum GitHubAppJWT {
    struct Claims: JWTPayload {
        var iat: IssuedAtClaim
        var exp: ExpirationClaim
        var iss: IssuerClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func sign(appID: String, privateKeyPEM: String, now: Date = Date()) async throws(GitHubReportingError) -> String {
        let key: JWTKit.Insecure.RSA.PrivateKey
        do {
            key = try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM)
        } catch {
            // Never the key, nor the library's description of it.
            throw GitHubReportingError(.credentials, "the GitHub App's private key is not an RSA private key in PEM form")
        }
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        let claims = Claims(iat: IssuedAtClaim(value: now.addingTimeInterval(-60)),
                            exp: ExpirationClaim(value: now.addingTimeInterval(9 * 60)), iss: IssuerClaim(value: appID))
        do {
            return try await keys.sign(claims)
        } catch {
            throw GitHubReportingError(.credentials, "cannot sign the GitHub App's token with its private key")
        }
    }
}

/// Checks settings before they are stored, so a mistake is a clear error at configuration time, not a failed
/// delivery later.
public enum GitHubSettingsCheck {
    /// Signs a throwaway JWT with an App's key; throws `credentials` (naming no part of the key) when it cannot.
    public static func validate(_ credentials: GitHubCredentials) async throws(GitHubReportingError) {
        switch credentials {
        case .token(let token):
            guard !token.isEmpty, !token.contains(where: \.isWhitespace) else {
                throw GitHubReportingError(.credentials, "the token is empty or contains whitespace")
            }
        case .app(let appID, let installationID, let privateKeyPEM):
            guard !appID.isEmpty, appID.allSatisfy(\.isNumber) || appID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }) else {
                throw GitHubReportingError(.credentials, "app_id: expected the App's id (digits) or client id")
            }
            guard installationID > 0 else { throw GitHubReportingError(.credentials, "installation_id: expected a positive integer") }
            _ = try await GitHubAppJWT.sign(appID: appID, privateKeyPEM: privateKeyPEM)
        }
    }

    /// `https://api.github.com`, or another http(s) URL without a query (GitHub Enterprise: `https://host/api/v3`).
    public static func normalizedAPIBaseURL(_ raw: String) -> String? {
        var url = raw.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        guard let parsed = URL(string: url), let scheme = parsed.scheme, ["https", "http"].contains(scheme),
              parsed.host?.isEmpty == false, parsed.query == nil, parsed.user == nil, parsed.password == nil else { return nil }
        return url
    }
}
