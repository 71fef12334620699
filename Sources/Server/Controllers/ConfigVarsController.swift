import Foundation
import Orchestration
import Hummingbird
import SlipwayModel
import Store

/// `/apps/{app}/config-vars`: read them, or change them Heroku's way (`PATCH {"FOO": "bar", "OLD": null}`:
/// a string sets, null unsets). Every change is one new release, made in the same transaction; on a
/// deployed app that release restarts the dynos with the new config before the answer.
struct ConfigVarsController {
    let store: any SlipwayStore
    let deployer: Deployer?

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: show)
        routes.patch(use: update)
        return routes
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        _ = try await store.app(named: app)
        return try JSONResponse.make(try await store.configVars(app: app))
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        let data = try await request.collectJSONObject(context: context)
        let change = try Self.parseChange(data)
        guard !change.set.isEmpty || !change.unset.isEmpty else {
            throw APIError.invalid(nil, "nothing to change: send {\"KEY\": \"value\"} to set or {\"KEY\": null} to unset")
        }
        _ = try await store.app(named: app)
        var release = try await store.updateConfigVars(app: app, set: change.set, unset: change.unset, description: nil)
        // A deployed app's config release is pending until its dynos run with the new config.
        if let deployer { release = try await deployer.deployConfigRelease(app: app, release: release) }
        let vars = try await store.configVars(app: app)
        return try JSONResponse.make(ConfigChangeResource(configVars: vars, release: ReleaseResource(release)))
    }

    /// Splits a PATCH body into keys to set and keys to unset; any value but a string or null is a 422
    /// naming the key. Key syntax is the store's rule (`[A-Za-z_][A-Za-z0-9_]*`).
    static func parseChange(_ data: Data) throws -> (set: [String: String], unset: [String]) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw APIError.invalid(nil, "the request body must be a JSON object")
        }
        var set: [String: String] = [:]
        var unset: [String] = []
        for (key, value) in object {
            switch value {
            case let string as String where !(value is NSNumber):
                set[key] = string
            case is NSNull:
                unset.append(key)
            default:
                throw APIError.invalid(key, "\(key.prefix(64)): expected a string (to set) or null (to unset)")
            }
        }
        return (set, unset.sorted())
    }
}
