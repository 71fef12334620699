import Foundation
import Hummingbird
import SlipwayModel
import Store

/// `/pipelines/{name}/review-config-vars`: the config vars every review app of the pipeline inherits
/// (SPEC §3; this is where review apps' secrets live). Same shape as an app's config vars: `PATCH`
/// with a string sets, null unsets. No release is made: review apps pick them up when they are created.
struct ReviewConfigVarsController {
    let store: any SlipwayStore

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: show)
        routes.patch(use: update)
        return routes
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.pipeline(named: try context.name("name")).reviewConfigVars)
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let name = try context.name("name")
        let change = try ConfigVarsController.parseChange(try await request.collectJSONObject(context: context))
        guard !change.set.isEmpty || !change.unset.isEmpty else {
            throw APIError.invalid(nil, "nothing to change: send {\"KEY\": \"value\"} to set or {\"KEY\": null} to unset")
        }
        for key in change.set.keys.sorted() + change.unset where !ConfigKey.isValid(key) {
            throw APIError.invalid(key, "\(key.prefix(64)): a config var name is [A-Za-z_][A-Za-z0-9_]*")
        }
        if let both = change.unset.first(where: { change.set[$0] != nil }) {
            throw APIError.invalid(both, "\(both): cannot be both set and unset")
        }
        let updated = try await store.updatePipeline(named: name) { pipeline in
            for (key, value) in change.set { pipeline.reviewConfigVars[key] = value }
            for key in change.unset { pipeline.reviewConfigVars[key] = nil }
        }
        return try JSONResponse.make(updated.reviewConfigVars)
    }
}

/// The rule for config var names, `[A-Za-z_][A-Za-z0-9_]*` (the store applies the same rule to app config).
enum ConfigKey {
    static func isValid(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.isASCII, first == "_" || first.properties.isAlphabetic else { return false }
        return key.utf8.count <= 256 && key.unicodeScalars.allSatisfy {
            $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
    }
}
