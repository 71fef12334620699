import Foundation
import Orchestration
import Hummingbird
import SlipwayModel
import Store
import TestRunner

/// The dashboard's pages, behind the same tokens as the API. Each handler loads a view model from the
/// store (and the runtime) and renders it; the sign-in pages and the static assets are in
/// `DashboardLoginController` and `DashboardAssets`.
struct DashboardController {
    let store: any SlipwayStore
    let deployer: Deployer?
    let renderer: DashboardRenderer
    let rates: RequestRates
    let workers: LeaseBoard?

    func addRoutes<Context: DashboardRequestContext>(to router: Router<Context>, sessions: DashboardSessions) {
        let pages = router.group()
            .add(middleware: DashboardErrorMiddleware(renderer: renderer))
            .add(middleware: DashboardAuthMiddleware(store: store, sessions: sessions, renderer: renderer))
        pages.get("/") { request, context in
            try await render(request, context) { try await PipelinesPage.load($0) }
        }
        pages.get("pipelines/:name") { request, context in
            let name = try pathName(context, "name", what: "pipeline")
            return try await render(request, context) { try await BoardPage.load($0, pipeline: name) }
        }
        pages.get("pipelines/:name/prs/:number") { request, context in
            let name = try pathName(context, "name", what: "pipeline")
            guard let number = context.parameters.get("number").flatMap({ Int($0) }), number > 0 else {
                throw DashboardError.notFound("A pull request number is a positive whole number.")
            }
            return try await render(request, context) { try await PullRequestPage.load($0, pipeline: name, number: number) }
        }
        pages.get("test-runs/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await render(request, context) { try await TestRunPage.load($0, id: id) }
        }
        pages.get("github") { request, context in
            let state = request.uri.queryParameters.get("state").map { String($0) }
            return try await render(request, context) { try await GitHubDeliveriesPage.load($0, state: state) }
        }
        pages.get("apps/:name") { request, context in
            let name = try pathName(context, "name", what: "app")
            return try await render(request, context) { try await AppPage.load($0, app: name) }
        }
        pages.get("certificates") { request, context in
            try await render(request, context) { CertificatesPage.load($0) }
        }
    }

    private func render<Page: DashboardPage, Context: DashboardRequestContext>(
        _ request: Request,
        _ context: Context,
        _ load: (DashboardData) async throws -> Page
    ) async throws -> Response {
        var page = try await load(DashboardData(store: store, deployer: deployer, rates: rates, workers: workers, now: Date()))
        page.chrome.signedInAs = context.tokenName?.rawValue
        return HTMLResponse.page(renderer.render(page), request: request)
    }

    /// A name from the path; one that breaks the naming rule names nothing, so it is a 404 here.
    private func pathName<Context: DashboardRequestContext>(_ context: Context, _ key: String, what: String) throws -> ResourceName {
        let raw = context.parameters.get(key) ?? ""
        guard let name = try? ResourceName(raw) else {
            throw DashboardError.notFound("There is no \(what) with that name.")
        }
        return name
    }
}
