import Hummingbird
import SlipwayModel
import Store

/// `/pipelines/{name}/gate-decisions[?pr=N&limit=N]`: what the merge gate decided, newest first.
struct GateDecisionsController {
    static let defaultLimit = 100

    let store: any SlipwayStore

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        return routes
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let pipeline = try context.name("name")
        let pr = try request.pullRequestNumber()
        let limit = try request.limit(default: Self.defaultLimit)
        let decisions = try await store.gateDecisions(pipeline: pipeline, prNumber: pr, limit: limit)
        return try JSONResponse.make(decisions.map(GateDecisionResource.init))
    }
}
