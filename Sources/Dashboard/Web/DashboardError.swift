import Hummingbird
import SlipwayModel
import Store

/// A dashboard request that names something that does not exist.
enum DashboardError: Error {
    case notFound(String)
}

/// Answers a failed dashboard page with an HTML page instead of the API's JSON: 404 for anything unknown
/// (a name that breaks the naming rule cannot exist either), 500 for the rest, whose details go to the log.
struct DashboardErrorMiddleware<Context: DashboardRequestContext>: RouterMiddleware {

    let renderer: DashboardRenderer

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (status, page) = Self.page(for: error)
            if status == .internalServerError {
                context.logger.error("dashboard page failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            var rendered = page
            rendered.chrome.signedInAs = context.tokenName?.rawValue
            return HTMLResponse.page(renderer.render(rendered), status: status, request: request)
        }
    }

    static func page(for error: any Error) -> (HTTPResponse.Status, DashboardErrorPage) {
        switch error {
        case DashboardError.notFound(let message):
            return (.notFound, DashboardErrorPage(heading: "Not found", message: message))
        case let error as StoreError where error.code == .notFound || error.code == .invalidName:
            return (.notFound, DashboardErrorPage(heading: "Not found", message: error.message.prefix(1).uppercased() + error.message.dropFirst() + "."))
        default:
            return (.internalServerError, DashboardErrorPage(heading: "Something went wrong",
                                                    message: "Slipway could not build this page; the service's log says why."))
        }
    }
}
