import Hummingbird

/// `GET /healthz`: open to everyone (load balancers, `ci/` scripts); says only that the service answers.
struct HealthController {
    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get("healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        return routes
    }
}
