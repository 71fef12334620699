import Hummingbird
import Store

/// `/builds`: the builds the service made or reused, newest first, and one build by id.
struct BuildsController {
    let store: any SlipwayStore

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        routes.get(":id", use: show)
        return routes
    }

    /// `?limit=N` (1–1000; default all).
    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let limit = try request.limit(default: nil)
        let builds = try await store.builds()
        return try JSONResponse.make(builds.prefix(limit ?? builds.count).map(BuildResource.init))
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(BuildResource(try await store.build(id: try context.buildID("id"))))
    }
}
