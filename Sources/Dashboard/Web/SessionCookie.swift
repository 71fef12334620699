import HTTPTypes
import Hummingbird

/// The dashboard's session cookie: a random id, `HttpOnly` (no script reads it), `SameSite=Strict` (no
/// other site's page can make the browser send it, so no request forgery), `Path=/`, and `Secure` when the
/// service sits behind an HTTPS proxy that says so.
enum SessionCookie {
    static let name = "slipway_session"

    static func setting(_ id: String, request: Request) -> Cookie {
        Cookie(name: name, value: id, maxAge: Int(DashboardSessions.lifetime), path: "/",
               secure: isHTTPS(request), httpOnly: true, sameSite: .strict)
    }

    /// Tells the browser to forget the cookie.
    static func clearing(request: Request) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: isHTTPS(request), httpOnly: true, sameSite: .strict)
    }

    /// The session id the request carries, when it looks like one of ours (64 hex characters).
    static func id(in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, value.utf8.count == 64,
              value.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
        else { return nil }
        return value
    }

    private static func isHTTPS(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}
