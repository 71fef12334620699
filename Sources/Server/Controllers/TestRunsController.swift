import Hummingbird
import SlipwayModel
import Store

/// Test runs: a pipeline's runs, newest first (`/pipelines/{name}/test-runs[?pr=N&limit=N]`, summaries),
/// and one run with its shards and file results (`/test-runs/{id}`).
struct TestRunsController {
    /// How many runs a listing shows when no `limit` is given.
    static let defaultLimit = 50

    let store: any SlipwayStore

    /// Mounted at `pipelines/:name/test-runs`.
    var pipelineRoutes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        return routes
    }

    /// Mounted at `test-runs`.
    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(":id", use: show)
        return routes
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let pipeline = try context.name("name")
        let pr = try request.pullRequestNumber()
        let limit = try request.limit(default: Self.defaultLimit)
        let runs = try await store.testRuns(pipeline: pipeline, prNumber: pr, limit: limit)
        return try JSONResponse.make(runs.map { TestRunResource($0, detailed: false) })
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(TestRunResource(try await store.testRun(id: try context.testRunID("id")), detailed: true))
    }
}
