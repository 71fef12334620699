import Foundation
import Hummingbird
import SlipwayModel
import Store

/// `/pipelines`: create, list, show (with the pipeline's apps by stage) and delete.
struct PipelinesController {
    let store: any SlipwayStore
    var localPaths: LocalPathPolicy = .unrestricted

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.post(use: create)
        routes.get(use: list)
        routes.get(":name", use: show)
        routes.patch(":name", use: update)
        routes.delete(":name", use: delete)
        return routes
    }

    struct CreateBody: JSONRequestBody {
        static let allowedKeys: Set<String> = ["name", "repository", "target_branch", "fork_pull_requests"]
        var name: ResourceName
        var repository: String
        var targetBranch: String?
        var forkPullRequests: String?

        enum CodingKeys: String, CodingKey {
            case name, repository
            case targetBranch = "target_branch"
            case forkPullRequests = "fork_pull_requests"
        }
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(CreateBody.self, context: context)
        let repository = body.repository.trimmingCharacters(in: .whitespaces)
        if let problem = RepositoryLocation.problem(with: repository) {
            throw APIError.invalid("repository", "repository: \(problem)")
        }
        if let refusal = localPaths.refusal(of: RepositoryLocation.localPath(of: repository), field: "repository") { throw refusal }
        let target = body.targetBranch ?? "main"
        if let problem = BranchName.problem(with: target) {
            throw APIError.invalid("target_branch", "target_branch: \(problem)")
        }
        let forks = try body.forkPullRequests.map(Self.forkPolicy) ?? .approve
        let created = try await store.createPipeline(Pipeline(name: body.name, repository: repository, targetBranch: target,
                                                              forkPullRequests: forks))
        return try JSONResponse.make(PipelineResource(created), status: .created)
    }

    struct UpdateBody: JSONRequestBody {
        static let allowedKeys: Set<String> = ["repository", "target_branch", "forks_get_review_config_vars", "fork_pull_requests"]
        var repository: String?
        var targetBranch: String?
        var forksGetReviewConfigVars: Bool?
        var forkPullRequests: String?

        enum CodingKeys: String, CodingKey {
            case repository
            case targetBranch = "target_branch"
            case forksGetReviewConfigVars = "forks_get_review_config_vars"
            case forkPullRequests = "fork_pull_requests"
        }
    }

    /// `approve`, `run` or `ignore`, else a 422 naming the field.
    static func forkPolicy(_ raw: String) throws -> ForkPullRequestPolicy {
        guard let policy = ForkPullRequestPolicy(rawValue: raw) else {
            let allowed = ForkPullRequestPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.invalid("fork_pull_requests", "fork_pull_requests: expected one of \(allowed)")
        }
        return policy
    }

    /// Changes the repository, the target branch, whether forks get the review config vars or what happens to
    /// pull requests from forks.
    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("name")
        let body = try await request.decodeJSON(UpdateBody.self, context: context)
        let repository = body.repository?.trimmingCharacters(in: .whitespaces)
        if let repository, let problem = RepositoryLocation.problem(with: repository) {
            throw APIError.invalid("repository", "repository: \(problem)")
        }
        if let repository, let refusal = localPaths.refusal(of: RepositoryLocation.localPath(of: repository), field: "repository") {
            throw refusal
        }
        if let target = body.targetBranch, let problem = BranchName.problem(with: target) {
            throw APIError.invalid("target_branch", "target_branch: \(problem)")
        }
        let forkPolicy = try body.forkPullRequests.map(Self.forkPolicy)
        guard repository != nil || body.targetBranch != nil || body.forksGetReviewConfigVars != nil || forkPolicy != nil else {
            throw APIError.invalid(nil, "nothing to change: give repository, target_branch, forks_get_review_config_vars or fork_pull_requests")
        }
        let updated = try await store.updatePipeline(named: name) { pipeline in
            if let repository { pipeline.repository = repository }
            if let target = body.targetBranch { pipeline.targetBranch = target }
            if let forks = body.forksGetReviewConfigVars { pipeline.forksGetReviewConfigVars = forks }
            if let forkPolicy { pipeline.forkPullRequests = forkPolicy }
        }
        return try JSONResponse.make(PipelineResource(updated))
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.pipelines().map { PipelineResource($0) })
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("name")
        let pipeline = try await store.pipeline(named: name)
        let apps = try await store.apps(inPipeline: name).filter { $0.review?.state != .destroyed }
        return try JSONResponse.make(PipelineResource(pipeline, apps: apps))
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await store.deletePipeline(named: try context.name("name"))
        return Response(status: .noContent)
    }
}
