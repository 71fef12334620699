import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import Testing

@Suite struct AuthTests {
    @Test func healthzNeedsNoToken() async throws {
        try await TestService.withService { _, client in
            let response = try await client.api(.get, "/healthz", token: nil)
            #expect(response.status == .ok)
            #expect(response.text.contains("ok"))
        }
    }

    @Test func missingWrongAndRevokedTokensAreRefused() async throws {
        try await TestService.withService { service, client in
            let missing = try await client.api(.get, "/api/v1/apps", token: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.error?.id == "unauthorized")
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)

            let wrong = try await client.api(.get, "/api/v1/apps", token: "slw_not-a-token")
            #expect(wrong.status == .unauthorized)
            #expect(!wrong.text.contains("slw_not-a-token"))

            let basic = try await client.execute(uri: "/api/v1/apps", method: .get, headers: [.authorization: "Basic \(service.adminToken)"])
            #expect(basic.status == .unauthorized)

            let created = try await client.api(.post, "/api/v1/tokens", token: service.adminToken, json: #"{"name":"ci"}"#)
            #expect(created.status == .created)
            let token = try created.decode(CreatedTokenResource.self).token
            #expect(try await client.api(.get, "/api/v1/apps", token: token).status == .ok)

            #expect(try await client.api(.delete, "/api/v1/tokens/ci", token: service.adminToken).status == .ok)
            let revoked = try await client.api(.get, "/api/v1/apps", token: token)
            #expect(revoked.status == .unauthorized)

            let listed = try await client.api(.get, "/api/v1/tokens", token: service.adminToken).decode([TokenResource].self)
            #expect(listed.map(\.name) == ["admin", "ci"])
            #expect(listed.last?.revokedAt != nil)
            #expect(!(try await client.api(.get, "/api/v1/tokens", token: service.adminToken)).text.contains(token))
        }
    }

    /// Every documented route exists and is behind the token (a missing route would answer 404).
    @Test func everyDocumentedRouteExistsAndNeedsAToken() async throws {
        try await TestService.withService { _, client in
            for route in APIRouteCatalog.routes {
                let uri = route.path
                    .replacingOccurrences(of: "{version}", with: "v1")
                    .replacingOccurrences(of: "{name}", with: "some-name")
                    .replacingOccurrences(of: "{app}", with: "some-app")
                    .replacingOccurrences(of: "{number}", with: "1")
                    .replacingOccurrences(of: "{id}", with: "some-id")
                    .replacingOccurrences(of: "{sha}", with: String(repeating: "a", count: 40))
                let method = HTTPRequest.Method(rawValue: route.method.uppercased())!
                let response = try await client.api(method, uri, token: nil, json: route.requestSchema == nil ? nil : "{}")
                // Routes without a token either answer (health) or check something else (a webhook's signature).
                if route.authenticated {
                    #expect(response.status == .unauthorized, "\(route.method) \(route.path)")
                } else {
                    #expect(response.status != .notFound, "\(route.method) \(route.path)")
                }
            }
        }
    }

    @Test func unknownRoutesAreJSON404s() async throws {
        try await TestService.withService { service, client in
            let response = try await client.api(.get, "/api/v1/nothing-here", token: service.adminToken)
            #expect(response.status == .notFound)
            #expect(response.error?.id == "not_found")
        }
    }
}
