import Foundation
import GitHubReporting
import Hummingbird
import SlipwayModel

/// `/pipelines/{name}/github`: how the pipeline reports back to GitHub. `PUT` replaces the settings (the
/// credentials are write-only: no answer, log or error shows them), `DELETE` stops reporting.
struct GitHubSettingsController {
    let store: any SlipwayStore

    struct Body: JSONRequestBody {
        static let allowedKeys: Set<String> = [
            "owner", "repository", "api_url", "token", "app_id", "installation_id", "private_key", "pull_request_comment",
        ]
        var owner: String?
        var repository: String?
        var api_url: String?
        var token: String?
        var app_id: String?
        var installation_id: Int64?
        var private_key: String?
        var pull_request_comment: Bool?
    }

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: show)
        routes.put(use: replace)
        routes.delete(use: remove)
        return routes
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("name")
        _ = try await store.pipeline(named: name)
        guard let settings = try await store.gitHubSettings(pipeline: name) else {
            throw APIError(.notFound, id: "not_found", "pipeline '\(name)' does not report to GitHub; set it up with 'slipway pipelines github --pipeline \(name)'")
        }
        return try JSONResponse.make(GitHubSettingsResource(settings))
    }

    @Sendable func replace(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("name")
        let body = try await request.decodeJSON(Body.self, context: context)
        let pipeline = try await store.pipeline(named: name)
        let settings = try await Self.settings(from: body, pipeline: pipeline)
        return try JSONResponse.make(GitHubSettingsResource(try await store.saveGitHubSettings(settings)))
    }

    @Sendable func remove(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("name")
        _ = try await store.pipeline(named: name)
        guard try await store.deleteGitHubSettings(pipeline: name) else {
            throw APIError(.notFound, id: "not_found", "pipeline '\(name)' does not report to GitHub")
        }
        return Response(status: .noContent)
    }

    /// Validates the body into settings: the repository from the body or the pipeline's URL, exactly one kind
    /// of credentials, an App's key that signs.
    static func settings(from body: Body, pipeline: Pipeline) async throws -> GitHubSettings {
        let derived = GitHubRepositoryName(repositoryURL: pipeline.repository)
        guard let owner = body.owner ?? derived?.owner, let repository = body.repository ?? derived?.name else {
            throw APIError.invalid(body.owner == nil ? "owner" : "repository",
                                   "owner and repository: the pipeline's repository is not a GitHub URL, so name them")
        }
        guard GitHubRepositoryName.isValid(owner) else { throw APIError.invalid("owner", "owner: letters, digits, '-', '_' and '.' only") }
        guard GitHubRepositoryName.isValid(repository) else {
            throw APIError.invalid("repository", "repository: letters, digits, '-', '_' and '.' only")
        }
        let apiURL = body.api_url ?? GitHubSettings.defaultAPIBaseURL
        guard let base = GitHubSettingsCheck.normalizedAPIBaseURL(apiURL) else {
            throw APIError.invalid("api_url", "api_url: expected an http(s) URL such as https://api.github.com or https://ghe.example.com/api/v3")
        }
        let credentials: GitHubCredentials
        switch (body.token, body.app_id, body.installation_id, body.private_key) {
        case (let token?, nil, nil, nil):
            credentials = .token(token.trimmingCharacters(in: .whitespacesAndNewlines))
        case (nil, let appID?, let installation?, let key?):
            credentials = .app(appID: appID, installationID: installation, privateKeyPEM: key)
        default:
            throw APIError.invalid("token", "credentials: send either token, or app_id with installation_id and private_key")
        }
        do {
            try await GitHubSettingsCheck.validate(credentials)
        } catch {
            throw APIError.invalid(credentials.kind == .token ? "token" : "private_key", error.message)
        }
        return GitHubSettings(pipeline: pipeline.name, owner: owner, repository: repository, apiBaseURL: base,
                              credentials: credentials, pullRequestComment: body.pull_request_comment ?? false)
    }
}

/// `/github/deliveries[?pipeline=P&state=failed|pending|delivered|superseded|all&limit=N]`: the outbox, newest
/// first; failed ones by default, with GitHub's answer.
struct GitHubDeliveriesController {
    let store: any SlipwayStore

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        return routes
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        var pipeline: ResourceName?
        if let raw = request.uri.queryParameters.get("pipeline") {
            let name: ResourceName
            do {
                name = try ResourceName(String(raw))
            } catch {
                throw APIError.invalid("pipeline", "pipeline: \(error.message)")
            }
            _ = try await store.pipeline(named: name)
            pipeline = name
        }
        let states: Set<GitHubDeliveryState>?
        switch request.uri.queryParameters.get("state").map({ String($0) }) ?? "failed" {
        case "all": states = nil
        case let raw:
            guard let state = GitHubDeliveryState(rawValue: raw) else {
                throw APIError.invalid("state", "state: expected failed, pending, delivered, superseded or all, got \"\(raw.prefix(40))\"")
            }
            states = [state]
        }
        let limit = try request.limit(default: 100) ?? 100
        let deliveries = try await store.gitHubDeliveries(pipeline: pipeline, states: states, limit: limit)
        return try JSONResponse.make(deliveries.map(GitHubDeliveryResource.init))
    }
}
