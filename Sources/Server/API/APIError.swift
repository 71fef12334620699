import Hummingbird
import SlipwayModel
import Store

/// A failed API request, answered as `{"id": …, "message": …, "field": …}` with `status`.
///
/// `id` is a stable machine-readable code (`not_found`, `invalid_value`, …), `message` says what to change,
/// `field` names the input at fault for a 422. Messages never contain a token or a config var's value.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var id: String
    public var message: String
    public var field: String?

    public init(_ status: HTTPResponse.Status, id: String, _ message: String, field: String? = nil) {
        self.status = status
        self.id = id
        self.message = message
        self.field = field
    }

    public var description: String { message }

    static let unauthorized = APIError(
        .unauthorized, id: "unauthorized",
        "a valid API token is required: send it as 'Authorization: Bearer <token>'")

    /// A token whose scope does not cover what it asked for.
    static func forbidden(needing needed: TokenScope, has scope: TokenScope) -> APIError {
        APIError(.forbidden, id: "insufficient_scope",
                 "this needs a token with scope '\(needed.rawValue)' \(needed == .worker ? "or 'admin'" : "or wider"); "
                 + "this token's scope is '\(scope.rawValue)'")
    }

    static func invalid(_ field: String?, _ message: String) -> APIError {
        APIError(.unprocessableContent, id: "invalid_value", message, field: field)
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(.badRequest, id: "bad_request", message)
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, id: "body_too_large", "the request body is larger than the limit of \(limit) bytes")
    }

    static func routeNotFound(_ path: String) -> APIError {
        APIError(.notFound, id: "not_found", "no such route: \(path.prefix(200))")
    }

    /// The answer to a store failure: 404, 409 or 422 for the caller's mistakes, 500 for the store's own.
    init(_ error: StoreError) {
        switch error.code {
        case .notFound: self.init(.notFound, id: "not_found", error.message, field: error.field)
        case .alreadyExists: self.init(.conflict, id: "already_exists", error.message, field: error.field)
        case .conflict: self.init(.conflict, id: "conflict", error.message, field: error.field)
        case .invalidName: self.init(.unprocessableContent, id: "invalid_name", error.message, field: error.field)
        case .invalidValue: self.init(.unprocessableContent, id: "invalid_value", error.message, field: error.field)
        default: self.init(.internalServerError, id: "store_failed", "the store failed: \(error.message)")
        }
    }
}

/// The JSON body of an error response.
struct APIErrorBody: Codable, Sendable, Equatable {
    var id: String
    var message: String
    var field: String?
}
