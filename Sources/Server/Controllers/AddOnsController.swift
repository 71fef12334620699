import AddOns
import Hummingbird
import Orchestration
import SlipwayModel
import Store

/// `/apps/{app}/addons`: the app's add-ons with their state. URLs carry credentials, so they are masked unless
/// `?reveal=true`, which needs a `deploy` token (as reading config var values does).
struct AddOnsController {
    let store: any SlipwayStore
    let addons: AddOnProvisioner?

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: list)
        return routes
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        _ = try await store.app(named: app)
        let reveal: Bool
        switch request.uri.queryParameters.get("reveal") {
        case nil, "false": reveal = false
        case "true": reveal = true
        default: throw APIError.invalid("reveal", "reveal: expected true or false")
        }
        if reveal, !context.tokenScope.allows(.deploy) {
            var error = APIError.forbidden(needing: .deploy, has: context.tokenScope)
            error.message = "revealing add-on credentials needs a token with scope 'deploy' or wider; this token's scope is '\(context.tokenScope.rawValue)'"
            throw error
        }
        guard let addons else { return try JSONResponse.make([AddOnResource]()) }
        let statuses: [AddOnStatus]
        do {
            statuses = try await addons.list(app: app.rawValue)
        } catch {
            throw APIError(.serviceUnavailable, id: "addons_unavailable", "cannot read the app's add-ons: \(error.message)")
        }
        return try JSONResponse.make(statuses.map { AddOnResource($0, reveal: reveal) })
    }
}
