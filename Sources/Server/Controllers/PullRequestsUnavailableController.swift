import Hummingbird

/// Stands in for `PullRequestsController` and `WebhooksController` when the API runs without the
/// pull-request flow (tests of the API alone), so the documented routes exist and say why they cannot act.
struct PullRequestsUnavailableController {
    static let unavailable: @Sendable (Request, APIRequestContext) async throws -> Response = { _, _ in
        throw APIError(.serviceUnavailable, id: "pull_requests_unavailable",
                       "this API runs without the pull-request flow: start it with 'slipway serve'")
    }

    /// Under `pipelines/:name/prs`.
    var pullRequestRoutes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: Self.unavailable)
        routes.post("sync", use: Self.unavailable)
        routes.get(":number", use: Self.unavailable)
        routes.post(":number/merge", use: Self.unavailable)
        routes.post(":number/approve", use: Self.unavailable)
        return routes
    }

    /// Under `webhooks`.
    var webhookRoutes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.post("github", use: Self.unavailable)
        return routes
    }
}
