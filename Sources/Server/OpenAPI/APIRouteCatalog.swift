import Orchestration
import SlipwayModel
/// Every route the API serves, described once: the OpenAPI document is generated from this list, and the
/// tests walk it to prove each documented route exists and is behind authentication.
public struct APIRouteDescription: Sendable {
    public var method: String
    /// OpenAPI style: `/api/v1/apps/{app}`.
    public var path: String
    public var operationID: String
    public var summary: String
    /// The name of the request body's schema under `components.schemas`, if the route takes a body.
    public var requestSchema: String?
    public var successStatus: Int
    /// The success response's schema: a name under `components.schemas`, `[Name]` for an array of it, or
    /// nil for an empty body.
    public var responseSchema: String?
    /// Error statuses besides 401 (authenticated routes) that the route answers with.
    public var errorStatuses: [Int]
    public var authenticated: Bool = true
    /// The success response's media type.
    public var responseContentType: String = "application/json"
    /// The query parameters the route reads.
    public var queryParameters: [APIQueryParameter] = []
    /// OpenAPI links of the success response: which values of it feed which later operation.
    public var links: [APILink] = []

    /// The scope a token needs for this route (`APIRouteCatalog.requiredScope`).
    public var requiredScope: TokenScope {
        let key = "\(method) \(path)"
        if APIRouteCatalog.workerRoutes.contains(key) { return .worker }
        if APIRouteCatalog.adminReads.contains(key) { return .admin }
        if APIRouteCatalog.deployRoutes.contains(key) { return .deploy }
        return method == "get" ? .read : .admin
    }

    var literalSegments: Int { path.split(separator: "/").filter { !$0.hasPrefix("{") }.count }

    /// The names in `{…}` segments of `path`.
    public var pathParameters: [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }
}

/// An OpenAPI link: `operationID`'s path parameters taken from this response (`$response.body#/name`) or request.
public struct APILink: Sendable {
    public var name: String
    public var operationID: String
    public var parameters: [String: String]
}

/// One query parameter of a route, for the OpenAPI document.
public struct APIQueryParameter: Sendable {
    public var name: String
    public var description: String
    /// A JSON Schema type: `integer`, `boolean` or `string`.
    public var type: String
    public var minimum: Int?
    public var maximum: Int?
    /// For a string: the values it may take (an enum) or the pattern it must match.
    public var allowed: [String]? = nil
    public var pattern: String? = nil

    static func pullRequest(_ description: String) -> APIQueryParameter {
        .init(name: "pr", description: description, type: "integer", minimum: 1, maximum: 999_999_999)
    }

    static func limit(default value: String) -> APIQueryParameter {
        .init(name: "limit", description: "at most this many (default \(value))", type: "integer", minimum: 1, maximum: 1000)
    }
}

public enum APIRouteCatalog {
    /// The routes a `deploy` token may use besides every GET: deploys of commits, rollbacks, promotions, config
    /// vars, scaling and the pull-request actions. Reading config vars needs `deploy` too: their values are
    /// secrets a `read` token (a dashboard viewer, a status reader) has no use for.
    static let deployRoutes: Set<String> = [
        "get /api/v1/apps/{app}/config-vars", "patch /api/v1/apps/{app}/config-vars",
        "patch /api/v1/apps/{app}/formation", "post /api/v1/apps/{app}/deploys", "post /api/v1/apps/{app}/rollbacks",
        "post /api/v1/apps/{app}/promotions", "post /api/v1/pipelines/{name}/prs/sync",
        "post /api/v1/pipelines/{name}/prs/{number}/merge", "post /api/v1/pipelines/{name}/prs/{number}/approve",
    ]
    /// The routes of remote test workers (`slipway worker`): a `worker` token may use these and nothing else; an
    /// `admin` token may use them too.
    static let workerRoutes: Set<String> = [
        "put /api/v1/workers/{worker}", "post /api/v1/workers/{worker}/leases", "get /api/v1/trees/{tree}",
        "post /api/v1/leases/{lease}/setup", "post /api/v1/leases/{lease}/batches",
        "put /api/v1/leases/{lease}/batches/{sequence}", "delete /api/v1/leases/{lease}",
    ]
    /// GETs that only an `admin` token may use.
    static let adminReads: Set<String> = ["get /api/v1/tokens"]

    /// The scope a route needs: `worker` for the routes in `workerRoutes`, `read` for a GET, `deploy` for the
    /// routes in `deployRoutes`, `admin` for the rest. A path that names no route needs `read` (it is answered 404 or 405).
    public static func requiredScope(method: String, path: String) -> TokenScope {
        guard let route = route(method: method, path: path) else { return .read }
        return route.requiredScope
    }

    /// The methods the catalog has for a concrete path (empty: the path names no route), in catalog order.
    public static func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        // The router prefers a literal segment to a parameter and does not fall back (`GET …/prs/sync` is not PR
        // "sync"): only the templates with the most literal segments answer for the path.
        var best = -1
        var methods: [String] = []
        for route in routes {
            let template = route.path.split(separator: "/", omittingEmptySubsequences: true)
            guard template.count == segments.count, zip(template, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) else { continue }
            let literals = template.filter { !$0.hasPrefix("{") }.count
            if literals > best { (best, methods) = (literals, []) }
            if literals == best, !methods.contains(route.method) { methods.append(route.method) }
        }
        return methods
    }

    /// The catalog's route for a request: its method and a path whose segments match the template's (a `{…}`
    /// segment matches any one segment; of several matches, the one with the most literal segments wins).
    static func route(method: String, path: String) -> APIRouteDescription? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let matches = routes.filter { route in
            guard route.method == method.lowercased() else { return false }
            let template = route.path.split(separator: "/", omittingEmptySubsequences: true)
            guard template.count == segments.count else { return false }
            return zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        return matches.max { $0.literalSegments < $1.literalSegments }
    }

    public static let routes: [APIRouteDescription] = [
        .init(method: "get", path: "/healthz", operationID: "health", summary: "Whether the service answers (no token needed)",
              successStatus: 200, responseSchema: "Health", errorStatuses: [], authenticated: false),
        .init(method: "get", path: "/api/v1/openapi.json", operationID: "openapi", summary: "This document",
              successStatus: 200, responseSchema: "Document", errorStatuses: []),

        .init(method: "post", path: "/api/v1/pipelines", operationID: "createPipeline", summary: "Create a pipeline",
              requestSchema: "PipelineCreate", successStatus: 201, responseSchema: "Pipeline", errorStatuses: [400, 409, 413, 422]),
        .init(method: "get", path: "/api/v1/pipelines", operationID: "listPipelines", summary: "List pipelines",
              successStatus: 200, responseSchema: "[Pipeline]", errorStatuses: []),
        .init(method: "get", path: "/api/v1/pipelines/{name}", operationID: "showPipeline", summary: "Show a pipeline with its apps by stage",
              successStatus: 200, responseSchema: "Pipeline", errorStatuses: [404, 422]),
        .init(method: "patch", path: "/api/v1/pipelines/{name}", operationID: "updatePipeline",
              summary: "Change the repository, the target branch, whether forks get the review config vars, or fork_pull_requests",
              requestSchema: "PipelineUpdate", successStatus: 200, responseSchema: "Pipeline", errorStatuses: [400, 404, 413, 422]),
        .init(method: "get", path: "/api/v1/pipelines/{name}/review-config-vars", operationID: "showReviewConfigVars",
              summary: "The config vars every review app of the pipeline inherits", successStatus: 200,
              responseSchema: "ConfigVars", errorStatuses: [404, 422]),
        .init(method: "patch", path: "/api/v1/pipelines/{name}/review-config-vars", operationID: "updateReviewConfigVars",
              summary: "Set (string) and unset (null) the pipeline's review config vars", requestSchema: "ConfigVarsPatch",
              successStatus: 200, responseSchema: "ConfigVars", errorStatuses: [400, 404, 413, 422]),
        .init(method: "delete", path: "/api/v1/pipelines/{name}", operationID: "deletePipeline", summary: "Delete a pipeline that has no apps",
              successStatus: 204, errorStatuses: [404, 409, 422]),

        // Read-only views of what CI, the merge gate and review apps recorded.
        .init(method: "get", path: "/api/v1/pipelines/{name}/test-runs", operationID: "listTestRuns",
              summary: "The pipeline's test runs, newest first, as summaries", successStatus: 200, responseSchema: "[TestRun]",
              errorStatuses: [404, 422], queryParameters: [.pullRequest("only this pull request's runs"), .limit(default: "50")]),
        .init(method: "get", path: "/api/v1/test-runs/{id}", operationID: "showTestRun",
              summary: "One test run with its shards (the per-worker timeline) and one result per file",
              successStatus: 200, responseSchema: "TestRun", errorStatuses: [404, 422]),
        .init(method: "get", path: "/api/v1/pipelines/{name}/commits/{sha}/checks", operationID: "listChecks",
              summary: "The latest status of each check on a commit (40 or 64 hex digits), by context",
              successStatus: 200, responseSchema: "[Check]", errorStatuses: [404, 422],
              queryParameters: [.init(name: "history", description: "every status recorded, oldest first", type: "boolean")]),
        .init(method: "get", path: "/api/v1/pipelines/{name}/gate-decisions", operationID: "listGateDecisions",
              summary: "The merge gate's decisions, newest first", successStatus: 200, responseSchema: "[GateDecision]",
              errorStatuses: [404, 422], queryParameters: [.pullRequest("only this pull request's decisions"), .limit(default: "100")]),
        .init(method: "get", path: "/api/v1/pipelines/{name}/review-apps", operationID: "listReviewApps",
              summary: "The pipeline's review apps by pull request (destroyed ones only with all=true)",
              successStatus: 200, responseSchema: "[ReviewApp]", errorStatuses: [404, 422],
              queryParameters: [.init(name: "all", description: "include destroyed review apps", type: "boolean")]),
        .init(method: "get", path: "/api/v1/review-apps/{app}", operationID: "showReviewApp", summary: "One review app, destroyed ones too",
              successStatus: 200, responseSchema: "ReviewApp", errorStatuses: [404, 422]),
        .init(method: "get", path: "/api/v1/builds", operationID: "listBuilds", summary: "Builds, newest first",
              successStatus: 200, responseSchema: "[Build]", errorStatuses: [422], queryParameters: [.limit(default: "all")]),
        .init(method: "get", path: "/api/v1/builds/{id}", operationID: "showBuild",
              summary: "One build (a running or failed one from its log)",
              successStatus: 200, responseSchema: "Build", errorStatuses: [404, 422]),
        .init(method: "get", path: "/api/v1/builds/{id}/output", operationID: "showBuildOutput",
              summary: "A build's output from a byte offset on, while it runs and after (poll with next_offset)",
              successStatus: 200, responseSchema: "BuildOutput", errorStatuses: [404, 422, 503],
              queryParameters: [.init(name: "offset", description: "byte offset into the build's log (default 0; past the end: no text)",
                                      type: "integer", minimum: 0, maximum: 9_007_199_254_740_991)]),
        .init(method: "get", path: "/api/v1/builds/cache", operationID: "showBuildCache",
              summary: "The dependency cache: layers per pipeline, most recently used first, and the size bound",
              successStatus: 200, responseSchema: "BuildCache", errorStatuses: [503]),
        .init(method: "delete", path: "/api/v1/builds/cache", operationID: "clearBuildCache",
              summary: "Empty the dependency cache (the next build of each app installs from scratch)",
              successStatus: 200, responseSchema: "BuildCacheCleared", errorStatuses: [503]),

        .init(method: "post", path: "/api/v1/apps", operationID: "createApp", summary: "Create an app, stand-alone or in a pipeline at a stage",
              requestSchema: "AppCreate", successStatus: 201, responseSchema: "App", errorStatuses: [400, 404, 409, 413, 422]),
        .init(method: "get", path: "/api/v1/apps", operationID: "listApps", summary: "List apps",
              successStatus: 200, responseSchema: "[App]", errorStatuses: []),
        .init(method: "get", path: "/api/v1/apps/{app}", operationID: "showApp", summary: "Show an app",
              successStatus: 200, responseSchema: "App", errorStatuses: [404, 422]),
        .init(method: "delete", path: "/api/v1/apps/{app}", operationID: "deleteApp", summary: "Delete an app with its config, releases and formation",
              successStatus: 204, errorStatuses: [404, 422]),

        .init(method: "get", path: "/api/v1/apps/{app}/config-vars", operationID: "showConfigVars", summary: "The app's config vars",
              successStatus: 200, responseSchema: "ConfigVars", errorStatuses: [404, 422]),
        .init(method: "patch", path: "/api/v1/apps/{app}/config-vars", operationID: "updateConfigVars",
              summary: "Set (string) and unset (null) config vars; makes a new release",
              requestSchema: "ConfigVarsPatch", successStatus: 200, responseSchema: "ConfigChange", errorStatuses: [400, 404, 413, 422]),

        .init(method: "get", path: "/api/v1/apps/{app}/releases", operationID: "listReleases", summary: "The app's releases, newest first",
              successStatus: 200, responseSchema: "[Release]", errorStatuses: [404, 422]),
        .init(method: "get", path: "/api/v1/apps/{app}/releases/{version}", operationID: "showRelease", summary: "One release (7 or v7)",
              successStatus: 200, responseSchema: "Release", errorStatuses: [404, 422]),

        .init(method: "get", path: "/api/v1/apps/{app}/addons", operationID: "listAddOns",
              summary: "The app's add-ons (heroku-postgresql, heroku-redis) and their state; URLs masked unless reveal=true, which needs a deploy token",
              successStatus: 200, responseSchema: "[AddOn]", errorStatuses: [403, 404, 422, 503],
              queryParameters: [.init(name: "reveal", description: "show the URLs' passwords (needs scope deploy)", type: "boolean")]),
        .init(method: "get", path: "/api/v1/apps/{app}/formation", operationID: "showFormation", summary: "Dyno quantity and size per process type",
              successStatus: 200, responseSchema: "[FormationEntry]", errorStatuses: [404, 422]),
        .init(method: "patch", path: "/api/v1/apps/{app}/formation", operationID: "updateFormation", summary: "Change quantities and sizes",
              requestSchema: "FormationPatch", successStatus: 200, responseSchema: "[FormationEntry]", errorStatuses: [400, 404, 413, 422]),

        .init(method: "post", path: "/api/v1/apps/{app}/deploys", operationID: "deployApp",
              summary: "Build a directory on the service's machine and deploy it (zero-downtime; a failure keeps the old release)",
              requestSchema: "DeployCreate", successStatus: 201, responseSchema: "DeployResult", errorStatuses: [400, 404, 413, 422, 503]),
        .init(method: "post", path: "/api/v1/apps/{app}/rollbacks", operationID: "rollbackApp",
              summary: "A new release with an earlier release's build and config (default: the one before the current)",
              requestSchema: "RollbackCreate", successStatus: 201, responseSchema: "DeployResult", errorStatuses: [400, 404, 409, 413, 422, 503]),
        .init(method: "post", path: "/api/v1/apps/{app}/promotions", operationID: "promoteApp",
              summary: "Release the app's current build on the next stage's apps (or the named ones), without rebuilding",
              requestSchema: "PromotionCreate", successStatus: 201, responseSchema: "Promotion", errorStatuses: [400, 404, 409, 413, 422, 503]),
        .init(method: "get", path: "/api/v1/apps/{app}/dynos", operationID: "listDynos", summary: "The app's running dynos",
              successStatus: 200, responseSchema: "[Dyno]", errorStatuses: [404, 422, 503]),
        .init(method: "get", path: "/api/v1/apps/{app}/logs", operationID: "appLogs",
              summary: "The app's most recent log lines, oldest first (query: lines, 1-1000, default 100)",
              successStatus: 200, responseSchema: "[LogLine]", errorStatuses: [404, 422, 503]),
        .init(method: "get", path: "/metrics", operationID: "metrics",
              summary: "Prometheus text: the router's requests by status class and latency per app",
              successStatus: 200, responseSchema: "MetricsText", errorStatuses: [503], responseContentType: "text/plain"),

        .init(method: "get", path: "/api/v1/pipelines/{name}/prs", operationID: "listPullRequests",
              summary: "The pull requests the pipeline has seen, with their state (open, closed, merged, stale)",
              successStatus: 200, responseSchema: "[PullRequestRecord]", errorStatuses: [404, 422, 503]),
        .init(method: "post", path: "/api/v1/pipelines/{name}/prs/sync", operationID: "syncPullRequests",
              summary: "Fetch the repository and reconcile every pull request now (query: wait=true waits until done)",
              successStatus: 202, responseSchema: "SyncAccepted", errorStatuses: [404, 409, 422, 503]),
        .init(method: "get", path: "/api/v1/pipelines/{name}/prs/{number}", operationID: "showPullRequest",
              summary: "A pull request now: its test merge, checks, review app, test runs and the gate's view",
              successStatus: 200, responseSchema: "PullRequestStatus", errorStatuses: [404, 409, 422, 503]),
        .init(method: "post", path: "/api/v1/pipelines/{name}/prs/{number}/merge", operationID: "mergePullRequest",
              summary: "The gate: merge by compare-and-swap when every required check passed on the current test merge, then deploy staging (a refusal is 200 with merged=false)",
              successStatus: 200, responseSchema: "GateOutcome", errorStatuses: [404, 409, 422, 503]),
        .init(method: "post", path: "/api/v1/pipelines/{name}/prs/{number}/approve", operationID: "approvePullRequest",
              summary: "Approve a fork pull request's current head to be built, tested and deployed (fork_pull_requests: approve); a new push needs a new approval. 409 for a pull request not from a fork, not open, or a pipeline that ignores forks",
              successStatus: 200, responseSchema: "ApprovalOutcome", errorStatuses: [404, 409, 422, 503]),
        .init(method: "post", path: "/webhooks/github", operationID: "githubWebhook",
              summary: "GitHub pull_request and push deliveries, verified by X-Hub-Signature-256 (query: pipeline=NAME)",
              requestSchema: "GitHubPayload", successStatus: 202, responseSchema: "WebhookAnswer",
              errorStatuses: [401, 404, 413, 422, 503], authenticated: false),

        .init(method: "post", path: "/api/v1/tokens", operationID: "createToken", summary: "Create an API token (shown once)",
              requestSchema: "TokenCreate", successStatus: 201, responseSchema: "CreatedToken", errorStatuses: [400, 409, 413, 422]),
        .init(method: "get", path: "/api/v1/tokens", operationID: "listTokens", summary: "List API tokens (never the tokens themselves)",
              successStatus: 200, responseSchema: "[Token]", errorStatuses: []),
        .init(method: "delete", path: "/api/v1/tokens/{name}", operationID: "revokeToken", summary: "Revoke an API token (409 for the last active admin token)",
              successStatus: 200, responseSchema: "Token", errorStatuses: [404, 409, 422]),
    ] + gitHubRoutes + workerCatalogRoutes
}
