import Hummingbird
import SlipwayModel
import Store

/// Lets a dashboard request through with the same tokens as the API: an `Authorization: Bearer` header
/// (scripts) or the session cookie the login form set (browsers). Anything else gets the sign-in form with
/// status 401, never data.
struct DashboardAuthMiddleware<Context: DashboardRequestContext>: RouterMiddleware {

    let store: any SlipwayStore
    let sessions: DashboardSessions
    let renderer: DashboardRenderer

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let token = BearerToken.parse( request.headers[.authorization]) {
            if let verified = try await store.authenticate(token: token) {
                context.tokenName = verified.name
                return try await next(request, context)
            }
        } else if let id = SessionCookie.id(in: request) {
            if let digest = await sessions.digest(for: id), let verified = try await store.authenticate(digest: digest) {
                context.tokenName = verified.name
                return try await next(request, context)
            }
            // A revoked token ends the session for good.
            await sessions.end(id)
        }
        let next = request.method == .get ? LoginTarget.sanitized(request.uri.string) : "/"
        let page = renderer.render(LoginPage(next: next))
        return HTMLResponse.page(page, status: .unauthorized, request: request)
    }
}

/// Where the login form sends the browser afterwards: only a path on this server (`/pipelines/shop`), never
/// another site (`//evil.example`, `https://…`), so the form cannot be used as an open redirect.
enum LoginTarget {
    static func sanitized(_ target: String?) -> String {
        guard let target, target.hasPrefix("/"), !target.hasPrefix("//"), !target.hasPrefix("/\\"),
              !target.contains(where: { $0.isNewline || $0 == "\\" }), target.utf8.count <= 2048,
              !target.hasPrefix("/login"), !target.hasPrefix("/logout")
        else { return "/" }
        return target
    }
}
