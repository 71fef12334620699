import AddOns
import Dashboard
import Orchestration
import Hummingbird
import Logging
import SlipwayModel
import Store
import TestRunner

/// The pull-request flow and the secret GitHub signs webhook deliveries with.
public struct PullRequestWiring: Sendable {
    public var flow: PullRequestFlow
    public var webhookSecret: String

    public init(flow: PullRequestFlow, webhookSecret: String) {
        self.flow = flow
        self.webhookSecret = webhookSecret
    }
}

/// Where the API listens.
public struct APIServerConfiguration: Sendable {
    public var host: String
    public var port: Int

    /// Port 0 binds a free port (tests).
    public init(host: String = "127.0.0.1", port: Int = 5100) {
        self.host = host
        self.port = port
    }
}

/// The API application: the router of `buildRouter(store:)` served on `configuration`'s address.
/// `serve` runs it in its `ServiceGroup`; tests run it with HummingbirdTesting.
public func buildApplication(
    _ configuration: APIServerConfiguration,
    store: any SlipwayStore,
    deployer: Deployer? = nil,
    pullRequests: PullRequestWiring? = nil,
    localPaths: LocalPathPolicy = .unrestricted,
    workers: LeaseBoard? = nil,
    logger: Logger = Logger(label: "slipway.api")
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(store: store, deployer: deployer, pullRequests: pullRequests, localPaths: localPaths,
                            workers: workers),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "slipway"),
        logger: logger
    )
}

/// The API's routes: `/healthz` open, everything under `/api/v1` behind a bearer token. Every failure,
/// unknown routes included, is answered as a JSON error. Without a `deployer` (tests of the API alone)
/// the deploy, rollback, promotion and dyno routes answer 503.
/// `workers` is the service's lease board for remote test workers (a board of its own when not given: its routes
/// then answer, with no run offering slots).
public func buildRouter(store: any SlipwayStore, deployer: Deployer? = nil, pullRequests: PullRequestWiring? = nil,
                        localPaths: LocalPathPolicy = .unrestricted, workers: LeaseBoard? = nil) -> Router<APIRequestContext> {
    let board = workers ?? LeaseBoard()
    let router = Router(context: APIRequestContext.self)
    router.add(middleware: APIErrorMiddleware(browserNotFound: Dashboard.notFoundPage()))
    router.addRoutes(HealthController().routes)

    let openAPI = OpenAPIDocument.json()
    let api = router.group("api/v1")
        .add(middleware: BearerTokenMiddleware(store: store))
    api.get("openapi.json") { _, _ in JSONResponse.raw(openAPI) }
    api.addRoutes(PipelinesController(store: store, localPaths: localPaths).routes, atPath: "pipelines")
    api.addRoutes(ReviewConfigVarsController(store: store).routes, atPath: "pipelines/:name/review-config-vars")
    api.addRoutes(AppsController(store: store, deployer: deployer).routes, atPath: "apps")
    api.addRoutes(ConfigVarsController(store: store, deployer: deployer).routes, atPath: "apps/:app/config-vars")
    api.addRoutes(ReleasesController(store: store).routes, atPath: "apps/:app/releases")
    api.addRoutes(AddOnsController(store: store, addons: deployer?.addons).routes, atPath: "apps/:app/addons")
    api.addRoutes(FormationController(store: store, deployer: deployer).routes, atPath: "apps/:app/formation")
    if let deployer {
        api.addRoutes(DeploysController(deployer: deployer, localPaths: localPaths).routes, atPath: "apps/:app")
    } else {
        api.addRoutes(RuntimeUnavailableController().routes, atPath: "apps/:app")
    }
    api.addRoutes(TokensController(store: store, board: board).routes, atPath: "tokens")
    let remoteWorkers = WorkersController(board: board)
    api.addRoutes(remoteWorkers.workerRoutes, atPath: "workers")
    api.addRoutes(remoteWorkers.treeRoutes, atPath: "trees")
    api.addRoutes(remoteWorkers.leaseRoutes, atPath: "leases")
    // Read-only views of what CI, the gate and review apps recorded.
    api.addRoutes(BuildsController(store: store, builds: deployer?.builds).routes, atPath: "builds")
    api.addRoutes(TestRunsController(store: store).pipelineRoutes, atPath: "pipelines/:name/test-runs")
    api.addRoutes(TestRunsController(store: store).routes, atPath: "test-runs")
    api.addRoutes(ChecksController(store: store).routes, atPath: "pipelines/:name/commits/:sha/checks")
    api.addRoutes(GateDecisionsController(store: store).routes, atPath: "pipelines/:name/gate-decisions")
    api.addRoutes(ReviewAppsController(store: store, deployer: deployer).pipelineRoutes, atPath: "pipelines/:name/review-apps")
    api.addRoutes(ReviewAppsController(store: store, deployer: deployer).routes, atPath: "review-apps")
    api.addRoutes(GitHubSettingsController(store: store).routes, atPath: "pipelines/:name/github")
    api.addRoutes(GitHubDeliveriesController(store: store).routes, atPath: "github/deliveries")
    if let pullRequests {
        api.addRoutes(PullRequestsController(store: store, flow: pullRequests.flow).routes, atPath: "pipelines/:name/prs")
        // Outside /api/v1: GitHub authenticates with the signature, not a token.
        router.addRoutes(WebhooksController(store: store, flow: pullRequests.flow, secret: pullRequests.webhookSecret).routes,
                         atPath: "webhooks")
    } else {
        api.addRoutes(PullRequestsUnavailableController().pullRequestRoutes, atPath: "pipelines/:name/prs")
        router.addRoutes(PullRequestsUnavailableController().webhookRoutes, atPath: "webhooks")
    }

    // Prometheus text at the API port's root, behind the same token (Prometheus sends it as a bearer token).
    let metrics = router.group("metrics").add(middleware: BearerTokenMiddleware(store: store))
    metrics.get { _, _ -> Response in
        guard let deployer else {
            throw APIError(.serviceUnavailable, id: "runtime_unavailable", "this API runs without a runtime: start it with 'slipway serve'")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: await deployer.metricsText())))
    }

    // The dashboard: HTML pages at the root, same tokens (or a session cookie from its login form).
    Dashboard.addRoutes(to: router, store: store, deployer: deployer, workers: board)
    return router
}
