import Hummingbird
import SlipwayModel
import Store

/// `/apps/{app}/releases`: the app's releases, newest first, and one release by version.
struct ReleasesController {
    let store: any SlipwayStore

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        routes.get(":version", use: show)
        return routes
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        _ = try await store.app(named: app)
        var limit: Int?
        if let raw = request.uri.queryParameters.get("limit") {
            guard let value = Int(raw), (1...1000).contains(value) else {
                throw APIError.invalid("limit", "limit: expected an integer from 1 to 1000")
            }
            limit = value
        }
        return try JSONResponse.make(try await store.releases(app: app, limit: limit).map(ReleaseResource.init))
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        let version = try context.releaseVersion("version")
        return try JSONResponse.make(ReleaseResource(try await store.release(app: app, version: version)))
    }
}
