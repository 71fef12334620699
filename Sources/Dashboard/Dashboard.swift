import Orchestration
import Hummingbird
import SlipwayModel
import Store
import TestRunner

/// The web dashboard (issue #8): server-rendered HTML on the API's port, at `/`, `/pipelines/<name>`,
/// `/pipelines/<name>/prs/<N>`, `/test-runs/<id>` and `/apps/<name>`, plus `/login`, `/logout` and
/// `/assets/…`. It reads the store and the runtime and changes nothing but sessions.
public enum Dashboard {
    /// `workers`: the lease board of remote test workers the Workers panel shows (nil: none).
    public static func addRoutes<Context: DashboardRequestContext>(to router: Router<Context>, store: any SlipwayStore, deployer: Deployer?,
                                                                   workers: LeaseBoard? = nil) {
        let renderer = DashboardRenderer()
        let sessions = DashboardSessions()
        DashboardAssets.addRoutes(to: router)
        DashboardLoginController(store: store, sessions: sessions, renderer: renderer).addRoutes(to: router)
        DashboardController(store: store, deployer: deployer, renderer: renderer, rates: RequestRates(), workers: workers)
            .addRoutes(to: router, sessions: sessions)
    }
}

extension Dashboard {
    /// The HTML page for a path that names nothing (it shows no data, so it needs no sign-in).
    public static func notFoundPage() -> @Sendable (Request) -> Response {
        let renderer = DashboardRenderer()
        return { request in
            let page = DashboardErrorPage(heading: "Not found", message: "There is no page at this address.")
            return HTMLResponse.page(renderer.render(page), status: .notFound, request: request)
        }
    }
}

/// The stylesheet and the live-refresh script: public (they hold no data), revalidated by ETag.
enum DashboardAssets {
    static func addRoutes<Context: DashboardRequestContext>(to router: Router<Context>) {
        let css = asset(Stylesheet.source, type: "text/css; charset=utf-8")
        let js = asset(LiveScript.source, type: "text/javascript; charset=utf-8")
        router.get("assets/dashboard.css") { request, _ in css.response(to: request) }
        router.get("assets/live.js") { request, _ in js.response(to: request) }
    }

    struct Asset: Sendable {
        var body: String
        var type: String
        var etag: String

        func response(to request: Request) -> Response {
            var headers: HTTPFields = [:]
            headers[.contentType] = type
            headers[.eTag] = etag
            headers[.cacheControl] = "no-cache"
            headers[.xContentTypeOptions] = "nosniff"
            if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    static func asset(_ body: String, type: String) -> Asset {
        Asset(body: body, type: type, etag: HTMLResponse.etag(of: body))
    }
}
