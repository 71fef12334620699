import Foundation
import Orchestration
import GitKit
import Hummingbird
import SlipwayModel
import Store

/// `/apps/{app}/deploys`, `/rollbacks`, `/promotions` and `/dynos`: the runtime side of an app. A failed
/// deploy is a normal answer (`succeeded: false` with the reason); the previous release keeps serving.
struct DeploysController {
    let deployer: Deployer
    var localPaths: LocalPathPolicy = .unrestricted

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.post("deploys", use: deploy)
        routes.post("rollbacks", use: rollback)
        routes.post("promotions", use: promote)
        routes.get("dynos", use: dynos)
        routes.get("logs", use: logs)
        return routes
    }

    /// Either `directory`, or `repository` and `rev`.
    struct DeployBody: JSONRequestBody {
        static let allowedKeys: Set<String> = ["directory", "repository", "rev"]
        /// An absolute path on the service's machine.
        var directory: String?
        /// A git repository on the service's machine (read through libgit2) and a revision in it.
        var repository: String?
        var rev: String?
    }

    struct RollbackBody: JSONRequestBody {
        static let allowedKeys: Set<String> = ["version"]
        var version: Int?
    }

    struct PromoteBody: JSONRequestBody {
        static let allowedKeys: Set<String> = ["to"]
        var to: [ResourceName]?
    }

    /// Local paths reach the service's machine: only an `admin` token may name one (SPEC: token scopes).
    static func requireAdmin(_ context: APIRequestContext, for what: String) throws {
        guard context.tokenScope.allows(.admin) else {
            var error = APIError.forbidden(needing: .admin, has: context.tokenScope)
            error.message = "\(what) needs an admin token; this token's scope is '\(context.tokenScope.rawValue)'"
            throw error
        }
    }

    @Sendable func deploy(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        let body = try await request.decodeJSON(DeployBody.self, context: context)
        switch (body.directory, body.repository, body.rev) {
        case (let directory?, nil, nil):
            try Self.requireAdmin(context, for: "deploying a directory of the service's machine")
            guard directory.hasPrefix("/") else {
                throw APIError.invalid("directory", "directory: expected an absolute path on the service's machine")
            }
            if let refusal = localPaths.refusal(of: directory, field: "directory") { throw refusal }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw APIError.invalid("directory", "directory: \(directory) is not a directory the service can read")
            }
            return try JSONResponse.make(DeployResultResource(try await deployer.deploy(app: app, directory: URL(fileURLWithPath: directory))), status: .created)
        case (nil, let path?, let rev?):
            try Self.requireAdmin(context, for: "deploying from a repository path of the service's machine")
            guard path.hasPrefix("/") else {
                throw APIError.invalid("repository", "repository: expected an absolute path on the service's machine")
            }
            if let refusal = localPaths.refusal(of: path, field: "repository") { throw refusal }
            let repository: Repository
            let commit: ObjectID
            do {
                repository = try Repository.open(path: path)
            } catch {
                throw APIError.invalid("repository", "repository: \(error.message)")
            }
            do {
                commit = try await repository.resolve(rev)
            } catch {
                throw APIError.invalid("rev", "rev: \(error.message)")
            }
            return try JSONResponse.make(DeployResultResource(try await deployer.deploy(app: app, commit: commit, in: repository)), status: .created)
        default:
            throw APIError.invalid(nil, "give either directory, or repository and rev")
        }
    }

    @Sendable func rollback(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        let body = try await request.decodeJSON(RollbackBody.self, context: context)
        if let version = body.version, !(1...999_999_999).contains(version) {
            throw APIError.invalid("version", "version: expected 1 to 999999999")
        }
        return try JSONResponse.make(DeployResultResource(try await deployer.rollback(app: app, to: body.version)), status: .created)
    }

    @Sendable func promote(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        let body = try await request.decodeJSON(PromoteBody.self, context: context)
        return try JSONResponse.make(PromotionResource(try await deployer.promote(app: app, to: body.to)), status: .created)
    }

    /// `?lines=N` (1–1000, default 100): the most recent lines, oldest first.
    @Sendable func logs(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        var count = 100
        if let text = request.uri.queryParameters.get("lines") {
            guard let value = Int(text), (1...1_000).contains(value) else {
                throw APIError.invalid("lines", "lines: expected a whole number from 1 to 1000, got \"\(text)\"")
            }
            count = value
        }
        return try JSONResponse.make(try await deployer.logs(app: app, lines: count).map(LogLineResource.init))
    }

    @Sendable func dynos(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(try await deployer.dynos(app: try context.name("app")).map(DynoResource.init))
    }
}
