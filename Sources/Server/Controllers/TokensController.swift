import Hummingbird
import SlipwayModel
import Store
import TestRunner

/// `/tokens`: create (the answer is the only time a token is shown), list and revoke.
struct TokensController {
    let store: any SlipwayStore
    /// A revoked worker token's leases are released at once (their batches go back to their runs).
    let board: LeaseBoard

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.post(use: create)
        routes.get(use: list)
        routes.delete(":name", use: revoke)
        return routes
    }

    struct CreateBody: JSONRequestBody {
        static let allowedKeys: Set<String> = ["name", "scope"]
        var name: ResourceName
        /// `read`, `deploy`, `worker` or `admin` (the default, as before scopes existed).
        var scope: TokenScope?
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(CreateBody.self, context: context)
        let token = TokenGenerator.generate()
        let stored = try await store.createToken(name: body.name, token: token, scope: body.scope ?? .admin)
        return try JSONResponse.make(
            CreatedTokenResource(name: stored.name.rawValue, scope: stored.scope.rawValue, token: token,
                                 createdAt: stored.createdAt), status: .created)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.tokens().map(TokenResource.init))
    }

    @Sendable func revoke(_ request: Request, context: APIRequestContext) async throws -> Response {
        let revoked = try await store.revokeToken(name: try context.name("name"))
        await board.revoke(token: revoked.name.rawValue)
        return try JSONResponse.make(TokenResource(revoked))
    }
}
