import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import Testing

/// Token scopes (read < deploy < admin, and worker for the worker routes only): every documented route with every scope, on the real router and a real
/// SQLite store. A route a token may not use is a 403 naming the scope needed; any other answer (2xx, or 404
/// for the placeholder names used here) means the scope let it through.
@Suite struct TokenScopeTests {
    static func token(_ scope: TokenScope, client: any TestClientProtocol, admin: String) async throws -> String {
        let created = try await client.api(.post, "/api/v1/tokens", token: admin, json: #"{"name":"t-\#(scope.rawValue)","scope":"\#(scope.rawValue)"}"#)
        #expect(created.status == .created)
        let resource = try created.decode(CreatedTokenResource.self)
        #expect(resource.scope == scope.rawValue)
        return resource.token
    }

    @Test func everyRouteWithEveryScopeIsAllowedOrA403NamingTheScope() async throws {
        try await TestService.withService { service, client in
            var tokens: [TokenScope: String] = [:]
            for scope in TokenScope.allCases { tokens[scope] = try await Self.token(scope, client: client, admin: service.adminToken) }
            var checked = 0
            // Admin last: its DELETEs of placeholder names change nothing, but keep the other scopes' view first.
            for scope in TokenScope.allCases.filter({ $0 != .admin }) + [.admin] {
                for route in APIRouteCatalog.routes where route.authenticated {
                    let uri = route.path
                        .replacingOccurrences(of: "{version}", with: "v1")
                        .replacingOccurrences(of: "{name}", with: "nothing-here")
                        .replacingOccurrences(of: "{app}", with: "nothing-here")
                        .replacingOccurrences(of: "{number}", with: "1")
                        .replacingOccurrences(of: "{id}", with: "nothing-here")
                        .replacingOccurrences(of: "{sha}", with: String(repeating: "a", count: 40))
                    let method = HTTPRequest.Method(rawValue: route.method.uppercased())!
                    let response = try await client.api(method, uri, token: tokens[scope], json: route.requestSchema == nil ? nil : "{}")
                    let label = "\(scope.rawValue) → \(route.method) \(route.path): \(response.status.code)"
                    if scope.allows(route.requiredScope) {
                        #expect(response.status != .forbidden && response.status != .unauthorized, "\(label)")
                    } else {
                        #expect(response.status == .forbidden, "\(label)")
                        #expect(response.error?.id == "insufficient_scope", "\(label)")
                        #expect(response.error?.message.contains("'\(route.requiredScope.rawValue)'") == true, "\(label)")
                    }
                    checked += 1
                }
            }
            #expect(checked == TokenScope.allCases.count * APIRouteCatalog.routes.filter(\.authenticated).count)
        }
    }

    /// A worker token (what a `slipway worker` machine holds) can use the worker routes and nothing else: no read,
    /// no deploy, no admin route; an admin token can use the worker routes; only read, deploy and admin include
    /// one another.
    @Test func aWorkerTokenIsConfinedToTheWorkerRoutes() async throws {
        #expect(TokenScope.worker.allows(.worker) && TokenScope.admin.allows(.worker))
        #expect(!TokenScope.read.allows(.worker) && !TokenScope.deploy.allows(.worker))
        #expect(!TokenScope.worker.allows(.read) && !TokenScope.worker.allows(.deploy) && !TokenScope.worker.allows(.admin))
        #expect(TokenScope.admin.allows(.deploy) && TokenScope.deploy.allows(.read) && !TokenScope.read.allows(.deploy))
        try await TestService.withService { service, client in
            let worker = try await Self.token(.worker, client: client, admin: service.adminToken)
            for (method, path, body) in [(HTTPRequest.Method.get, "/api/v1/apps", nil), (.get, "/api/v1/tokens", nil),
                                         (.post, "/api/v1/tokens", #"{"name":"stolen"}"#), (.get, "/metrics", nil),
                                         (.get, "/api/v1/openapi.json", nil), (.delete, "/api/v1/tokens/t-worker", nil)] {
                let response = try await client.api(method, path, token: worker, json: body)
                #expect(response.status == .forbidden, "\(method) \(path): \(response.status.code)")
                #expect(response.error?.message.contains("this token's scope is 'worker'") == true, "\(response.text)")
            }
            let listed = try await client.api(.get, "/api/v1/tokens", token: service.adminToken).decode([TokenResource].self)
            #expect(listed.map(\.scope) == ["admin", "worker"] && listed.allSatisfy { $0.revokedAt == nil }, "nothing changed")
        }
    }

    @Test func aReadTokenCannotDeployAndADeployTokenCannotNameALocalPath() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let runtime = try await TestRuntime.start(service)
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer)
        try await app.test(.router) { client in
            let read = try await Self.token(.read, client: client, admin: service.adminToken)
            let deploy = try await Self.token(.deploy, client: client, admin: service.adminToken)
            #expect(try await client.api(.post, "/api/v1/apps", token: service.adminToken, json: #"{"name":"shop"}"#).status == .created)
            let refused = try await client.api(.post, "/api/v1/apps/shop/deploys", token: read, json: #"{"rev":"main"}"#)
            #expect(refused.status == .forbidden && refused.error?.message.contains("'deploy'") == true)
            let local = try await client.api(.post, "/api/v1/apps/shop/deploys", token: deploy, json: #"{"directory":"/tmp"}"#)
            #expect(local.status == .forbidden && local.error?.message.contains("admin") == true, "\(local.text)")
            let repository = try await client.api(.post, "/api/v1/apps/shop/deploys", token: deploy,
                                                  json: #"{"repository":"/tmp","rev":"main"}"#)
            #expect(repository.status == .forbidden, "\(repository.text)")
            #expect(try await client.api(.get, "/api/v1/apps/shop/config-vars", token: read).status == .forbidden,
                    "config var values are secrets: reading them needs deploy")
            #expect(try await client.api(.get, "/api/v1/apps/shop/config-vars", token: deploy).status == .ok)
            #expect(try await client.api(.get, "/api/v1/apps/shop/releases", token: read).status == .ok)
            let listed = try await client.api(.get, "/api/v1/tokens", token: service.adminToken).decode([TokenResource].self)
            #expect(listed.map(\.scope) == ["admin", "read", "deploy"], "existing tokens are admin; new ones keep their scope")
            let bad = try await client.api(.post, "/api/v1/tokens", token: service.adminToken, json: #"{"name":"x","scope":"root"}"#)
            #expect(bad.status == .unprocessableContent || bad.status == .badRequest, "\(bad.text)")
        }
        try await runtime.shutdown()
    }
}
