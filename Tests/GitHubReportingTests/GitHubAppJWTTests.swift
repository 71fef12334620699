import CryptoExtras
import Foundation
@testable import GitHubReporting
import JWTKit
import SlipwayModel
import Testing

/// The GitHub App's JWT: RS256 with the App's key, verifiable with its public key, iss = app id, at most ten
/// minutes long, issued in the past against clock drift; a broken key is an error that shows no part of it.
@Suite struct GitHubAppJWTTests {
    struct Claims: JWTPayload {
        var iat: IssuedAtClaim
        var exp: ExpirationClaim
        var iss: IssuerClaim
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test func theJWTIsRS256SignedByTheAppsKey() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let now = Date()
        let jwt = try await GitHubAppJWT.sign(appID: "12345", privateKeyPEM: key.pemRepresentation, now: now)
        let header = try #require(Data(base64URL: String(jwt.split(separator: ".")[0])))
        let fields = try #require(try JSONSerialization.jsonObject(with: header) as? [String: Any])
        #expect(fields["alg"] as? String == "RS256")
        let keys = JWTKeyCollection()
        await keys.add(rsa: try JWTKit.Insecure.RSA.PublicKey(pem: key.publicKey.pemRepresentation), digestAlgorithm: .sha256)
        let claims = try await keys.verify(jwt, as: Claims.self)
        #expect(claims.iss.value == "12345")
        #expect(claims.iat.value <= now.addingTimeInterval(-59))
        #expect(claims.exp.value.timeIntervalSince(claims.iat.value) <= 600)

        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let wrong = JWTKeyCollection()
        await wrong.add(rsa: try JWTKit.Insecure.RSA.PublicKey(pem: other.publicKey.pemRepresentation), digestAlgorithm: .sha256)
        await #expect(throws: (any Error).self) { _ = try await wrong.verify(jwt, as: Claims.self) }
    }

    @Test func aBrokenKeyIsAnErrorThatShowsNoneOfIt() async throws {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END RSA PRIVATE KEY-----\n"
        do {
            _ = try await GitHubAppJWT.sign(appID: "1", privateKeyPEM: pem)
            Issue.record("a broken key signed")
        } catch {
            #expect(error.code == .credentials && !error.message.contains("TOPSECRET"))
        }
        await #expect(throws: GitHubReportingError.self) {
            try await GitHubSettingsCheck.validate(.app(appID: "1", installationID: 2, privateKeyPEM: pem))
        }
    }
}

extension Data {
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
