import Hummingbird
import Orchestration
import Logging
import NIOCore
import SlipwayModel
import Store

/// Turns every failure into a JSON error response, so clients always get `{"id", "message", "field"}`:
/// `APIError` as it is, `StoreError` by its code, Hummingbird's own errors (unknown route, body too large)
/// by their status, and anything else as a 500 whose details go to the log, not to the client.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// For an unknown path outside the API that a browser asked for (`Accept: text/html`), the dashboard's
    /// HTML "not found" page instead of JSON; nil keeps JSON everywhere.
    var browserNotFound: (@Sendable (Request) -> Response)?

    func handle(
        _ request: Request,
        context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error, path: request.uri.path)
            // A known path asked with a method it does not have: 405 with `Allow` (RFC 9110 §15.5.6).
            if let routeError = error as? HTTPError, routeError.status == .notFound {
                let allowed = APIRouteCatalog.methods(forPath: request.uri.path)
                if !allowed.isEmpty {
                    let listed = allowed.map { $0.uppercased() }.joined(separator: ", ")
                    var response = JSONResponse.error(APIError(
                        .methodNotAllowed, id: "method_not_allowed",
                        "\(request.method.rawValue) is not allowed on \(request.uri.path.prefix(200)); allowed: \(listed)"))
                    response.headers[.allow] = listed
                    return response
                }
            }
            if apiError.id == "not_found", let browserNotFound, Self.isBrowserPageRequest(request) {
                return browserNotFound(request)
            }
            if apiError.status == .internalServerError {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return JSONResponse.error(apiError)
        }
    }

    /// A page a person's browser asked for: not the API, metrics or webhooks, and HTML accepted.
    static func isBrowserPageRequest(_ request: Request) -> Bool {
        let path = request.uri.path
        guard !["/api/", "/metrics", "/webhooks/"].contains(where: { path.hasPrefix($0) }) else { return false }
        return request.headers[.accept]?.contains("text/html") == true
    }

    static func apiError(for error: any Error, path: String) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as StoreError:
            return APIError(error)
        case let error as OrchestrationError:
            return APIError(error)
        case is NIOTooManyBytesError:
            return .bodyTooLarge(limit: APIRequestContext.maximumBodySize)
        case let error as HTTPError where error.status == .notFound:
            return .routeNotFound(path)
        case let error as HTTPError:
            return APIError(error.status, id: "http_error", error.body ?? error.status.reasonPhrase)
        case let error as any HTTPResponseError:
            return APIError(error.status, id: "http_error", error.status.reasonPhrase)
        default:
            return APIError(.internalServerError, id: "internal_error", "the server failed to handle the request; see its log")
        }
    }
}
