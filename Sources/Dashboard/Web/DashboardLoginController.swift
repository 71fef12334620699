import Foundation
import Hummingbird
import SlipwayModel
import Store

/// `GET /login` (the form), `POST /login` (checks the token, starts a session, sets the cookie) and
/// `POST /logout`. The token travels only in the form's body.
struct DashboardLoginController {
    let store: any SlipwayStore
    let sessions: DashboardSessions
    let renderer: DashboardRenderer

    /// A login form is a few hundred bytes; anything much larger is not one.
    static let maximumFormSize = 16 * 1024

    struct LoginForm: Decodable {
        var token: String?
        var next: String?
    }

    func addRoutes<Context: DashboardRequestContext>(to router: Router<Context>) {
        router.get("login") { request, _ in
            let next = LoginTarget.sanitized(request.uri.queryParameters["next"].map(String.init))
            return HTMLResponse.page(renderer.render(LoginPage(next: next)), request: request)
        }
        router.post("login") { request, _ in
            try await login(request)
        }
        router.post("logout") { request, _ in
            if let id = SessionCookie.id(in: request) { await sessions.end(id) }
            var response = HTMLResponse.redirect(to: "/login")
            response.setCookie(SessionCookie.clearing(request: request))
            return response
        }
    }

    private func login(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumFormSize)
        let form = (try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body))) ?? LoginForm()
        let next = LoginTarget.sanitized(form.next)
        let token = (form.token ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, try await store.authenticate(token: token) != nil else {
            let page = LoginPage(next: next, problem: token.isEmpty
                ? "Enter an API token."
                : "That token is not valid: it may have been revoked, or mistyped.")
            return HTMLResponse.page(renderer.render(page), status: .unauthorized, request: request)
        }
        let id = await sessions.start(digest: TokenDigest(token: token))
        var response = HTMLResponse.redirect(to: next)
        response.setCookie(SessionCookie.setting(id, request: request))
        return response
    }
}
