import Hummingbird
import SlipwayModel
import Store

/// `/pipelines/{name}/commits/{sha}/checks`: the latest status of each check on the commit, by context;
/// with `?history=true` every status recorded, oldest first.
struct ChecksController {
    let store: any SlipwayStore

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        return routes
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let pipeline = try context.name("name")
        let commit = try context.commitID("sha")
        let history = try request.flag("history")
        let checks = history
            ? try await store.checkHistory(pipeline: pipeline, commit: commit)
            : try await store.latestChecks(pipeline: pipeline, commit: commit)
        return try JSONResponse.make(checks.map(CheckResource.init))
    }
}
