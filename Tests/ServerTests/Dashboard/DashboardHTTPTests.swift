import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import Testing

/// The dashboard's HTTP contract without a browser: who gets data, the session cookie's attributes, sign-in
/// and sign-out, revocation, open-redirect refusal, 404 pages, security headers, the live refresh's 304,
/// and that no secret value reaches a page.
@Suite struct DashboardHTTPTests {
    static let secret = "pipeline-secret-value-42"
    static let configValue = "postgres://u:config-secret-7@db/x"

    /// A pipeline with a review app and a staging app with config vars, written to the store.
    static func seed(_ store: SQLiteStore) async throws {
        let shop = try ResourceName("shop")
        _ = try await store.createPipeline(Pipeline(name: shop, repository: "/srv/shop.git", reviewConfigVars: ["TOKEN": secret]))
        _ = try await store.createApp(App(name: try ResourceName("shop-staging"), pipeline: shop, stage: .staging))
        _ = try await store.updateConfigVars(app: try ResourceName("shop-staging"), set: ["DATABASE_URL": configValue], unset: [],
                                             description: nil)
        _ = try await store.createApp(App(
            name: try ResourceName("shop-pr-3"), pipeline: shop, stage: .review,
            review: ReviewAppDetails(prNumber: 3, branch: "feature/x", headCommit: "abc1234def", mergeCommit: "fed4321cba",
                                     state: .deployed, urlHost: "pr-3.shop.localhost")))
    }

    static func withSeededService(_ body: @Sendable (TestService, any TestClientProtocol) async throws -> Void) async throws {
        try await TestService.withService { service, client in
            try await seed(service.store)
            try await body(service, client)
        }
    }

    @Test func withoutATokenEveryPageIsTheLoginFormWith401() async throws {
        try await Self.withSeededService { _, client in
            for path in ["/", "/pipelines/shop", "/pipelines/shop/prs/3", "/apps/shop-staging", "/test-runs/x", "/pipelines/nope"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .unauthorized, "\(path)")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(response.text.contains(#"<form class="login-form" method="post" action="/login">"#), "\(path)")
                // The form's `next` field repeats the path asked for; nothing else may name a resource.
                let page = response.text.replacingOccurrences(of: #"name="next" value="\#(path)""#, with: "")
                #expect(!page.contains("shop-staging") && !page.contains("pr-3.shop") && !page.contains("feature/x"), "\(path) leaks data")
            }
            // The form comes back to the page asked for.
            let board = try await client.execute(uri: "/pipelines/shop", method: .get)
            #expect(board.text.contains(#"name="next" value="/pipelines/shop""#))
            // A wrong bearer token is no better.
            let wrong = try await client.execute(uri: "/", method: .get, headers: [.authorization: "Bearer slw_wrong"])
            #expect(wrong.status == .unauthorized && !wrong.text.contains("slw_wrong"))
        }
    }

    @Test func aBearerTokenWorksForScripts() async throws {
        try await Self.withSeededService { service, client in
            let board = try await client.execute(uri: "/pipelines/shop", method: .get, headers: [.authorization: "Bearer \(service.adminToken)"])
            #expect(board.status == .ok)
            #expect(board.text.contains(#"<a class="review-url" href="http://pr-3.shop.localhost/">"#), "no router in this test: no port")
            #expect(board.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(board.headers[.cacheControl] == "no-store")
        }
    }

    @Test func signingInSetsAStrictHttpOnlySessionCookieAndSigningOutEndsIt() async throws {
        try await Self.withSeededService { service, client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let bad = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=slw_nope&next=%2F"))
            #expect(bad.status == .unauthorized)
            #expect(bad.text.contains("That token is not valid"))
            #expect(bad.headers[.setCookie] == nil)

            let token = service.adminToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let good = try await client.execute(uri: "/login", method: .post, headers: form,
                                                body: ByteBuffer(string: "token=\(token)&next=%2Fpipelines%2Fshop"))
            #expect(good.status == .seeOther)
            #expect(good.headers[.location] == "/pipelines/shop")
            let setCookie = try #require(good.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"), "\(setCookie)")
            #expect(!setCookie.contains(service.adminToken), "the cookie is a session id, not the token")
            let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))

            let page = try await client.execute(uri: "/pipelines/shop", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok)
            #expect(page.text.contains("Sign out"))
            // The session is for the dashboard only: the API still wants a bearer token.
            #expect(try await client.execute(uri: "/api/v1/apps", method: .get, headers: [.cookie: cookie]).status == .unauthorized)

            let out = try await client.execute(uri: "/logout", method: .post, headers: [.cookie: cookie])
            #expect(out.status == .seeOther && out.headers[.location] == "/login")
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.execute(uri: "/pipelines/shop", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
        }
    }

    @Test func revokingTheTokenEndsItsSessionsAndNextCannotLeaveTheSite() async throws {
        try await Self.withSeededService { service, client in
            let created = try await client.api(.post, "/api/v1/tokens", token: service.adminToken, json: #"{"name":"viewer"}"#)
            let viewer = try created.decode(CreatedTokenResource.self).token
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            for (next, expected) in [("%2F%2Fevil.example%2F", "/"), ("https%3A%2F%2Fevil.example", "/"), ("%2F%5Cevil.example", "/"),
                                     ("%2Fapps%2Fshop-staging", "/apps/shop-staging")] {
                let response = try await client.execute(uri: "/login", method: .post, headers: form,
                                                        body: ByteBuffer(string: "token=\(viewer)&next=\(next)"))
                #expect(response.headers[.location] == expected, "\(next)")
            }
            let signedIn = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=\(viewer)"))
            let cookie = try #require(signedIn.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            #expect(try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]).status == .ok)
            _ = try await client.api(.delete, "/api/v1/tokens/viewer", token: service.adminToken)
            #expect(try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
        }
    }

    @Test func unknownThingsAreAnHTMLNotFoundPage() async throws {
        try await Self.withSeededService { service, client in
            let auth: HTTPFields = [.authorization: "Bearer \(service.adminToken)"]
            for path in ["/pipelines/nope", "/pipelines/NOT..valid", "/apps/nope", "/test-runs/nope", "/pipelines/shop/prs/99",
                         "/pipelines/shop/prs/x"] {
                let response = try await client.execute(uri: path, method: .get, headers: auth)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.text.contains("<h1>Not found</h1>"), "\(path)")
            }
        }
    }

    @Test func theLiveRefreshGets304WhenNothingChanged() async throws {
        try await Self.withSeededService { service, client in
            let auth: HTTPFields = [.authorization: "Bearer \(service.adminToken)"]
            let first = try await client.execute(uri: "/pipelines/shop", method: .get, headers: auth)
            let etag = try #require(first.headers[.eTag])
            var conditional = auth
            conditional[.ifNoneMatch] = etag
            let again = try await client.execute(uri: "/pipelines/shop", method: .get, headers: conditional)
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            // A change in the store is a new page.
            _ = try await service.store.updateApp(named: try ResourceName("shop-pr-3")) { $0.review?.state = .failed }
            #expect(try await client.execute(uri: "/pipelines/shop", method: .get, headers: conditional).status == .ok)
            // The script and stylesheet are public and revalidated.
            let script = try await client.execute(uri: "/assets/live.js", method: .get)
            #expect(script.status == .ok && script.text.contains("data-live"))
            #expect(try await client.execute(uri: "/assets/dashboard.css", method: .get).headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }

    @Test func noSecretValueIsEverRendered() async throws {
        try await Self.withSeededService { service, client in
            let auth: HTTPFields = [.authorization: "Bearer \(service.adminToken)"]
            for path in ["/", "/pipelines/shop", "/pipelines/shop/prs/3", "/apps/shop-staging", "/apps/shop-pr-3"] {
                let response = try await client.execute(uri: path, method: .get, headers: auth)
                #expect(response.status == .ok, "\(path)")
                #expect(!response.text.contains(Self.secret) && !response.text.contains("config-secret-7"), "\(path)")
            }
            let app = try await client.execute(uri: "/apps/shop-staging", method: .get, headers: auth)
            #expect(app.text.contains(#"<code class="config-key">DATABASE_URL</code>"#), "keys are shown")
        }
    }
}
