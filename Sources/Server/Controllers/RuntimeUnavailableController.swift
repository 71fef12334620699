import Hummingbird

/// Stands in for `DeploysController` when the API runs without a runtime (tests of the API alone), so the
/// documented routes exist and say why they cannot act.
struct RuntimeUnavailableController {
    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        let unavailable: @Sendable (Request, APIRequestContext) async throws -> Response = { _, _ in
            throw APIError(.serviceUnavailable, id: "runtime_unavailable", "this API runs without a runtime: start it with 'slipway serve'")
        }
        routes.post("deploys", use: unavailable)
        routes.post("rollbacks", use: unavailable)
        routes.post("promotions", use: unavailable)
        routes.get("dynos", use: unavailable)
        routes.get("logs", use: unavailable)
        return routes
    }
}
