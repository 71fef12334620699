import Dashboard
import Foundation
import Hummingbird
import SlipwayModel
import Store

/// Lets a request through only with `Authorization: Bearer <token>` naming a live token. The token is
/// hashed and looked up by digest (`TokenStore.authenticate`); it is never logged or echoed.
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
        var context = context
        context.tokenName = verified.name
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header (scheme case-insensitive), or nil.
    static func bearerToken(in header: String?) -> String? {
        BearerToken.parse(header)
    }
}
