import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// A known path asked with a method it does not have answers 405 with `Allow`; an unknown path stays 404.
@Suite struct MethodNotAllowedTests {
    @Test func knownPathsAnswer405WithAllow() async throws {
        try await TestService.withService { service, client in
            let trace = try await client.execute(uri: "/healthz", method: .trace, headers: [:])
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers[.allow] == "GET")
            let put = try await client.api(.put, "/api/v1/pipelines/shop", token: service.adminToken, json: "{}")
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "GET, PATCH, DELETE")
            #expect(put.error?.id == "method_not_allowed")
            #expect(try await client.api(.get, "/api/v1/nothing-here", token: service.adminToken).status == .notFound)
            // A literal segment wins over a parameter, as in the router: `…/prs/sync` is not pull request "sync".
            let sync = try await client.api(.get, "/api/v1/pipelines/shop/prs/sync", token: service.adminToken)
            #expect(sync.status == .methodNotAllowed && sync.headers[.allow] == "POST", "\(sync.headers)")
        }
    }
}
