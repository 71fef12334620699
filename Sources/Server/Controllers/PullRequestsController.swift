import Foundation
import Orchestration
import Hummingbird
import SlipwayModel
import Store

/// `/pipelines/{name}/prs`: the pull requests Slipway knows, one pull request's status (fresh test merge,
/// checks, review app, the gate's view), the gate (`POST …/{number}/merge`), a fork's approval
/// (`POST …/{number}/approve`) and a manual sync.
struct PullRequestsController {
    let store: any SlipwayStore
    let flow: PullRequestFlow

    struct RecordResource: Encodable {
        var number: Int
        var state: String
        var branch: String
        var head: String
        var fromFork: Bool
        enum CodingKeys: String, CodingKey {
            case number, state, branch, head
            case fromFork = "from_fork"
        }
    }

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        routes.post("sync", use: sync)
        routes.get(":number", use: show)
        routes.post(":number/merge", use: merge)
        routes.post(":number/approve", use: approve)
        return routes
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let pipeline = try context.name("name")
        let records = try await store.pullRequests(pipeline: pipeline, state: nil)
        return try JSONResponse.make(records.map {
            RecordResource(number: $0.number, state: $0.state.rawValue, branch: $0.branch, head: $0.headCommit, fromFork: $0.fromFork)
        })
    }

    @Sendable func sync(_ request: Request, context: APIRequestContext) async throws -> Response {
        let pipeline = try await store.pipeline(named: try context.name("name")).name
        await flow.requestReconcile(pipeline)
        if request.uri.queryParameters.get("wait") == "true" { await flow.waitUntilIdle() }
        return try JSONResponse.make(["status": "reconciling"], status: .accepted)
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(PullRequestStatusResource(try await flow.status(pipeline: try context.name("name"), number: try Self.number(context))))
    }

    @Sendable func merge(_ request: Request, context: APIRequestContext) async throws -> Response {
        let outcome = try await flow.merge(pipeline: try context.name("name"), number: try Self.number(context))
        // A refusal is an answer, not an error: 200 with merged=false and the reason (the CLI exits 1).
        return try JSONResponse.make(outcome)
    }

    /// Approves a fork pull request's current head, in the name of the request's token.
    @Sendable func approve(_ request: Request, context: APIRequestContext) async throws -> Response {
        do {
            let outcome = try await flow.approve(pipeline: try context.name("name"), number: try Self.number(context),
                                                 by: context.tokenName?.rawValue ?? "unknown")
            return try JSONResponse.make(outcome)
        } catch let refusal as ApprovalRefusal {
            throw APIError(refusal.reason == .notFound ? .notFound : .conflict, id: refusal.reason.rawValue, refusal.message)
        }
    }

    static func number(_ context: APIRequestContext) throws -> Int {
        let raw = context.parameters.get("number") ?? ""
        guard let number = Int(raw), number > 0, raw.allSatisfy(\.isASCII) else {
            throw APIError.invalid("number", "number: expected a pull request number like 7")
        }
        return number
    }
}
