import Dashboard
import Foundation
import Hummingbird
import SlipwayModel
import Store

/// Lets a request through only with `Authorization: Bearer <token>` naming a live token whose scope covers
/// the route (`APIRouteCatalog.requiredScope`; 403 naming the scope needed otherwise). The token is hashed and
/// looked up by digest (`TokenStore.authenticate`); it is never logged or echoed.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let store: any SlipwayStore

    func handle(
        _ request: Request,
        context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let token = Self.bearerToken(in: request.headers[.authorization]) else {
            throw APIError.unauthorized
        }
        guard let verified = try await store.authenticate(token: token) else {
            throw APIError.unauthorized
        }
        let needed = APIRouteCatalog.requiredScope(method: request.method.rawValue, path: request.uri.path)
        guard verified.scope.allows(needed) else { throw APIError.forbidden(needing: needed, has: verified.scope) }
        var context = context
        context.tokenName = verified.name
        context.tokenScope = verified.scope
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header (scheme case-insensitive), or nil.
    static func bearerToken(in header: String?) -> String? {
        BearerToken.parse(header)
    }
}
