import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import Testing

/// Bad input is refused with a clear status and field, and leaves the store exactly as it was.
@Suite struct ValidationTests {
    /// What the store holds, to compare before and after a refused request.
    struct Snapshot: Equatable {
        var pipelines: [Pipeline]
        var apps: [String]
        var config: [String: String]
        var releases: [Int]
        var formation: [FormationEntry]
        var tokens: [String]

        static func take(_ store: any SlipwayStore) async throws -> Snapshot {
            let app = try ResourceName("base")
            return Snapshot(
                pipelines: try await store.pipelines(),
                apps: try await store.apps().map(\.name.rawValue),
                config: try await store.configVars(app: app),
                releases: try await store.releases(app: app).map(\.version),
                formation: try await store.formation(app: app),
                tokens: try await store.tokens().map(\.name.rawValue))
        }
    }

    /// One refused request: method, path, body, expected status and field.
    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var status: HTTPResponse.Status
        var field: String?
        var description: String { "\(method) \(path) \(body?.prefix(60) ?? "")" }
    }

    static let cases: [Case] = [
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"..","repository":"https://git.example.com/r.git"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"a/b","repository":"https://git.example.com/r.git"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"UPPER","repository":"https://git.example.com/r.git"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":5,"repository":"https://git.example.com/r.git"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"ok"}"#, status: .unprocessableContent, field: "repository"),
        // A repository is a URL Slipway can fetch, git@host:path, or a git repository on the service's machine.
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"ok","repository":"0"}"#, status: .unprocessableContent, field: "repository"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"ok","repository":"ftp://host/r.git"}"#, status: .unprocessableContent, field: "repository"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"ok","repository":"https:///r.git"}"#, status: .unprocessableContent, field: "repository"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"ok","repository":"/nonexistent/repo.git"}"#, status: .unprocessableContent, field: "repository"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"ok","repository":"/tmp"}"#, status: .unprocessableContent, field: "repository"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"ok","repository":"https://git.example.com/r.git","target_branch":"a..b"}"#, status: .unprocessableContent, field: "target_branch"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"ok","repository":"https://git.example.com/r.git","colour":"red"}"#, status: .unprocessableContent, field: "colour"),
        Case(method: .post, path: "/api/v1/pipelines", body: #"{"name":"ok","#, status: .badRequest, field: nil),
        Case(method: .post, path: "/api/v1/pipelines", body: "", status: .badRequest, field: nil),
        Case(method: .post, path: "/api/v1/pipelines", body: #"["ok"]"#, status: .unprocessableContent, field: nil),
        Case(method: .post, path: "/api/v1/apps", body: #"{"name":"x","pipeline":"base-pipe","stage":"qa"}"#, status: .unprocessableContent, field: "stage"),
        Case(method: .post, path: "/api/v1/apps", body: #"{"name":"x","stage":"staging"}"#, status: .unprocessableContent, field: "pipeline"),
        Case(method: .post, path: "/api/v1/apps", body: #"{"name":"x","pipeline":"nope","stage":"staging"}"#, status: .notFound, field: nil),
        Case(method: .post, path: "/api/v1/apps", body: #"{"name":"-x"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/apps", body: #"{"name":"base"}"#, status: .conflict, field: nil),
        Case(method: .get, path: "/api/v1/apps/UPPER", body: nil, status: .unprocessableContent, field: "app"),
        Case(method: .get, path: "/api/v1/apps/nope", body: nil, status: .notFound, field: nil),
        Case(method: .patch, path: "/api/v1/apps/base/config-vars", body: #"{"PORT":5000}"#, status: .unprocessableContent, field: "PORT"),
        Case(method: .patch, path: "/api/v1/apps/base/config-vars", body: #"{"OK":"1","BAD-KEY":"x"}"#, status: .unprocessableContent, field: nil),
        Case(method: .patch, path: "/api/v1/apps/base/config-vars", body: "{}", status: .unprocessableContent, field: nil),
        Case(method: .patch, path: "/api/v1/apps/base/config-vars", body: #"{"A":"1""#, status: .badRequest, field: nil),
        Case(method: .patch, path: "/api/v1/apps/nope/config-vars", body: #"{"A":"1"}"#, status: .notFound, field: nil),
        Case(method: .patch, path: "/api/v1/apps/base/formation", body: #"{"updates":[{"type":"web","quantity":-1}]}"#, status: .unprocessableContent, field: "updates[0].quantity"),
        Case(method: .patch, path: "/api/v1/apps/base/formation", body: #"{"updates":[{"type":"web","quantity":"2"}]}"#, status: .unprocessableContent, field: "updates[0].quantity"),
        Case(method: .patch, path: "/api/v1/apps/base/formation", body: #"{"updates":[{"type":"we b","quantity":1}]}"#, status: .unprocessableContent, field: "updates[0].type"),
        Case(method: .patch, path: "/api/v1/apps/base/formation", body: #"{"updates":[{"quantity":1}]}"#, status: .unprocessableContent, field: "updates[0].type"),
        Case(method: .get, path: "/api/v1/apps/base/releases/latest", body: nil, status: .unprocessableContent, field: "version"),
        Case(method: .get, path: "/api/v1/apps/base/releases?limit=0", body: nil, status: .unprocessableContent, field: "limit"),
        Case(method: .patch, path: "/api/v1/pipelines/base-pipe", body: #"{"repository":"0"}"#, status: .unprocessableContent, field: "repository"),
        Case(method: .patch, path: "/api/v1/pipelines/base-pipe", body: #"{"target_branch":"-x"}"#, status: .unprocessableContent, field: "target_branch"),
        Case(method: .patch, path: "/api/v1/pipelines/base-pipe", body: #"{"forks_get_review_config_vars":"yes"}"#, status: .unprocessableContent, field: "forks_get_review_config_vars"),
        Case(method: .patch, path: "/api/v1/pipelines/base-pipe", body: "{}", status: .unprocessableContent, field: nil),
        Case(method: .patch, path: "/api/v1/pipelines/base-pipe", body: #"{"name":"renamed"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .patch, path: "/api/v1/pipelines/nope", body: #"{"target_branch":"main"}"#, status: .notFound, field: nil),
        Case(method: .patch, path: "/api/v1/pipelines/base-pipe/review-config-vars", body: #"{"1BAD":"x"}"#, status: .unprocessableContent, field: "1BAD"),
        Case(method: .patch, path: "/api/v1/pipelines/base-pipe/review-config-vars", body: #"{"OK":true}"#, status: .unprocessableContent, field: "OK"),
        Case(method: .get, path: "/api/v1/pipelines/nope/review-config-vars", body: nil, status: .notFound, field: nil),
        Case(method: .post, path: "/api/v1/tokens", body: #"{"name":"admin"}"#, status: .conflict, field: nil),
        Case(method: .post, path: "/api/v1/tokens", body: #"{"name":"a.b"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .delete, path: "/api/v1/tokens/ghost", body: nil, status: .notFound, field: nil),
        Case(method: .delete, path: "/api/v1/pipelines/base-pipe", body: nil, status: .conflict, field: nil),
        // Names in the path that would reach outside the data dir, whatever the route.
        Case(method: .get, path: "/api/v1/apps/..", body: nil, status: .unprocessableContent, field: "app"),
        Case(method: .delete, path: "/api/v1/apps/..", body: nil, status: .unprocessableContent, field: "app"),
        Case(method: .delete, path: "/api/v1/apps/a%2Fb", body: nil, status: .unprocessableContent, field: "app"),
        Case(method: .patch, path: "/api/v1/apps/..%2Fbase/config-vars", body: #"{"A":"1"}"#, status: .unprocessableContent, field: "app"),
        Case(method: .patch, path: "/api/v1/apps/..%2F..%2Fetc/formation", body: #"{"updates":[{"type":"web","quantity":1}]}"#, status: .unprocessableContent, field: "app"),
        Case(method: .delete, path: "/api/v1/pipelines/..", body: nil, status: .unprocessableContent, field: "name"),
        Case(method: .patch, path: "/api/v1/pipelines/base-pipe%2F..", body: #"{"target_branch":"x"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .delete, path: "/api/v1/tokens/..", body: nil, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/apps", body: #"{"name":"../base"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/tokens", body: #"{"name":"../admin"}"#, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/apps", body: #"{"name":"x","pipeline":"../base-pipe","stage":"staging"}"#, status: .unprocessableContent, field: "pipeline"),
        // Wrong types and shapes.
        Case(method: .post, path: "/api/v1/apps", body: #"{"name":["x"]}"#, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/apps", body: #"{"name":null}"#, status: .unprocessableContent, field: "name"),
        Case(method: .post, path: "/api/v1/tokens", body: #"{"name":true}"#, status: .unprocessableContent, field: "name"),
        Case(method: .patch, path: "/api/v1/apps/base/formation", body: #"{"updates":{"type":"web","quantity":1}}"#, status: .unprocessableContent, field: "updates"),
        Case(method: .patch, path: "/api/v1/apps/base/formation", body: #"{"updates":[{"type":"web","quantity":1.5}]}"#, status: .unprocessableContent, field: "updates[0].quantity"),
        Case(method: .patch, path: "/api/v1/apps/base/config-vars", body: #"{"A":{"nested":"x"}}"#, status: .unprocessableContent, field: "A"),
        Case(method: .patch, path: "/api/v1/apps/base/config-vars", body: #"["A"]"#, status: .unprocessableContent, field: nil),
        Case(method: .patch, path: "/api/v1/apps/base/config-vars", body: "not json", status: .badRequest, field: nil),
        Case(method: .post, path: "/api/v1/tokens", body: "{\"name\":\"x\"}}", status: .badRequest, field: nil),
    ]

    @Test func badRequestsAreRefusedAndChangeNothing() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            try await client.api(.post, "/api/v1/pipelines", token: token, json: #"{"name":"base-pipe","repository":"https://git.example.com/r.git"}"#)
            try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"base","pipeline":"base-pipe","stage":"staging"}"#)
            try await client.api(.patch, "/api/v1/apps/base/config-vars", token: token, json: #"{"KEEP":"me"}"#)
            try await client.api(.patch, "/api/v1/apps/base/formation", token: token, json: #"{"updates":[{"type":"web","quantity":1}]}"#)
            try await client.api(.patch, "/api/v1/pipelines/base-pipe/review-config-vars", token: token, json: #"{"SECRET":"s"}"#)
            let before = try await Snapshot.take(service.store)

            for item in Self.cases {
                let response = try await client.api(item.method, item.path, token: token, json: item.body)
                #expect(response.status == item.status, "\(item)")
                let error = response.error
                #expect(error != nil, "\(item): not a JSON error: \(response.text)")
                #expect(error?.message.isEmpty == false, "\(item)")
                if let field = item.field {
                    #expect(error?.field == field, "\(item): \(response.text)")
                }
                #expect(try await Snapshot.take(service.store) == before, "\(item) changed the store")
            }
        }
    }

    /// Every write refused for want of a valid token (none, a wrong one, the right one under another scheme)
    /// leaves the store as it was; the same request with the token does change it, so the check can fail.
    @Test func writesWithoutAValidTokenChangeNothing() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            try await client.api(.post, "/api/v1/pipelines", token: token, json: #"{"name":"base-pipe","repository":"https://git.example.com/r.git"}"#)
            try await client.api(.post, "/api/v1/pipelines", token: token, json: #"{"name":"empty-pipe","repository":"https://git.example.com/r.git"}"#)
            try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"base","pipeline":"base-pipe","stage":"staging"}"#)
            try await client.api(.patch, "/api/v1/apps/base/config-vars", token: token, json: #"{"KEEP":"me"}"#)
            try await client.api(.patch, "/api/v1/pipelines/base-pipe/review-config-vars", token: token, json: #"{"SECRET":"s"}"#)
            let before = try await Snapshot.take(service.store)

            // Requests that would each change something if they were let through.
            let writes: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/api/v1/pipelines", #"{"name":"new-pipe","repository":"https://git.example.com/r.git"}"#),
                (.patch, "/api/v1/pipelines/base-pipe", #"{"target_branch":"other"}"#),
                (.patch, "/api/v1/pipelines/base-pipe/review-config-vars", #"{"SECRET":null}"#),
                (.delete, "/api/v1/pipelines/empty-pipe", nil),
                (.post, "/api/v1/apps", #"{"name":"new-app"}"#),
                (.delete, "/api/v1/apps/base", nil),
                (.patch, "/api/v1/apps/base/config-vars", #"{"KEEP":null,"NEW":"1"}"#),
                (.patch, "/api/v1/apps/base/formation", #"{"updates":[{"type":"web","quantity":3}]}"#),
                (.post, "/api/v1/apps/base/rollbacks", "{}"),
                (.post, "/api/v1/tokens", #"{"name":"intruder"}"#),
                (.delete, "/api/v1/tokens/admin", nil),
            ]
            // Every other documented write too, with an empty body.
            let documented = APIRouteCatalog.routes.filter { $0.method != "get" && $0.authenticated }.map { route in
                (HTTPRequest.Method(rawValue: route.method.uppercased())!,
                 route.path.replacingOccurrences(of: "{app}", with: "base").replacingOccurrences(of: "{version}", with: "1")
                    .replacingOccurrences(of: "{name}", with: route.path.contains("/tokens/") ? "admin" : "base-pipe"),
                 route.requestSchema == nil ? String?.none : "{}")
            }
            for (method, path, body) in writes + documented {
                for header in [nil, "Bearer slw_wrong", "Bearer \(token)x", "Basic \(token)", token] {
                    var headers: HTTPFields = [:]
                    if let header { headers[.authorization] = header }
                    if body != nil { headers[.contentType] = "application/json" }
                    let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                    #expect(response.status == .unauthorized, "\(method) \(path) with \(header.map { String($0.prefix(6)) } ?? "no token")")
                    #expect(response.error?.id == "unauthorized")
                }
                #expect(try await Snapshot.take(service.store) == before, "\(method) \(path) without a valid token changed the store")
            }

            let control = try await client.api(.post, "/api/v1/pipelines", token: token, json: #"{"name":"new-pipe","repository":"https://git.example.com/r.git"}"#)
            #expect(control.status == .created)
            #expect(try await Snapshot.take(service.store) != before)
        }
    }

    @Test func oversizedBodiesChangeNothing() async throws {
        try await TestService.withService { service, client in
            let token = service.adminToken
            try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"base"}"#)
            try await client.api(.patch, "/api/v1/apps/base/config-vars", token: token, json: #"{"KEEP":"me"}"#)
            let before = try await Snapshot.take(service.store)
            let padding = String(repeating: "x", count: APIRequestContext.maximumBodySize)
            for (method, path, body) in [
                (HTTPRequest.Method.patch, "/api/v1/apps/base/config-vars", #"{"BIG":"\#(padding)"}"#),
                (.post, "/api/v1/apps", #"{"name":"big","pad":"\#(padding)"}"#),
                (.patch, "/api/v1/apps/base/formation", #"{"updates":[{"type":"web","quantity":1,"size":"\#(padding)"}]}"#),
                (.post, "/api/v1/tokens", #"{"name":"big","pad":"\#(padding)"}"#),
            ] {
                let response = try await client.api(method, path, token: token, json: body)
                #expect(response.status == .contentTooLarge, "\(method) \(path)")
                #expect(response.error?.id == "body_too_large")
                #expect(try await Snapshot.take(service.store) == before, "\(method) \(path) changed the store")
            }
            // Just under the limit is read (and refused for its content, not its size).
            let fits = #"{"name":"big","pad":""# + String(repeating: "x", count: APIRequestContext.maximumBodySize - 40) + #""}"#
            #expect(try await client.api(.post, "/api/v1/apps", token: token, json: fits).status == .unprocessableContent)
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        try await TestService.withService { service, client in
            let huge = #"{"name":"big","repository":""# + String(repeating: "x", count: APIRequestContext.maximumBodySize + 10) + #""}"#
            let response = try await client.api(.post, "/api/v1/pipelines", token: service.adminToken, json: huge)
            #expect(response.status == .contentTooLarge)
            #expect(response.error?.id == "body_too_large")
            #expect(try await service.store.pipelines().isEmpty)
        }
    }
}
