import Orchestration
import Hummingbird
import SlipwayModel
import Store

/// Review apps, read-only: a pipeline's (`/pipelines/{name}/review-apps`, live ones unless `?all=true`,
/// by pull request) and one by app name (`/review-apps/{app}`, destroyed ones too). Creating and
/// destroying them is the pull-request lifecycle's job, not this controller's.
struct ReviewAppsController {
    let store: any SlipwayStore
    /// For the router's port in the apps' URLs; nil when the API runs without a runtime.
    let deployer: Deployer?

    /// Mounted at `pipelines/:name/review-apps`.
    var pipelineRoutes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        return routes
    }

    /// Mounted at `review-apps`.
    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(":app", use: show)
        return routes
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let pipeline = try context.name("name")
        let all = try request.flag("all")
        _ = try await store.pipeline(named: pipeline)
        let port = deployer?.routerPort
        let apps = try await store.apps(inPipeline: pipeline)
            .filter { all || ($0.review != nil && $0.review?.state != .destroyed) }
            .compactMap { ReviewAppResource($0, routerPort: port, httpsPort: deployer?.routerHTTPSPort) }
            .sorted { ($0.prNumber, $0.createdAt) < ($1.prNumber, $1.createdAt) }
        return try JSONResponse.make(apps)
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("app")
        let app = try await store.app(named: name)
        guard let resource = ReviewAppResource(app, routerPort: deployer?.routerPort, httpsPort: deployer?.routerHTTPSPort) else {
            throw APIError(.notFound, id: "not_found", "app '\(name)' is not a review app", field: "app")
        }
        return try JSONResponse.make(resource)
    }
}
