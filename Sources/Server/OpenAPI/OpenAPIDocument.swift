import SlipwayModel
import Foundation

/// The OpenAPI 3.1 document of the API, generated from `APIRouteCatalog` and `OpenAPISchemas`.
public enum OpenAPIDocument {
    /// The document as JSON bytes (sorted keys, so it is stable).
    public static func json() -> Data {
        // Every value is built from literals above, so serialization cannot fail.
        (try? JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    private static let reasons: [Int: String] = [
        400: "The body is not valid JSON",
        401: "No valid API token",
        403: "The token's scope does not cover this route (the message names the scope needed)",
        404: "No such pipeline, app, release, token, build, test run, review app, worker, lease or tree",
        409: "The name is taken, or the change contradicts what is stored",
        410: "The lease ended (expired, handed back, its token revoked, or its run is over): its work went back to the run",
        413: "The body is larger than 1 MiB",
        422: "Invalid input; `field` names it",
        503: "The API runs without a runtime",
    ]

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in APIRouteCatalog.routes {
            paths[route.path, default: [:]][route.method] = operation(route)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Slipway API",
                "version": "1",
                "description": "Pipelines, apps, config vars, releases, formation, API tokens, and what CI recorded: "
                    + "builds, test runs, checks, the merge gate's decisions and review apps. "
                    + "Every route but /healthz needs 'Authorization: Bearer <token>'; a token's scope (read < deploy < admin; "
                    + "worker for the worker routes only, which admin may use too) must cover the route, or the answer is 403.",
            ],
            "paths": paths,
            "components": [
                "schemas": OpenAPISchemas.all().merging(OpenAPISchemas.recordViews()) { first, _ in first },
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            ],
            "security": [["bearer": [String]()]],
        ]
    }

    private static func operation(_ route: APIRouteDescription) -> [String: Any] {
        var responses: [String: Any] = [:]
        var success: [String: Any] = ["description": route.successStatus == 204 ? "Done" : "Success"]
        if let schema = route.responseSchema {
            success["content"] = [route.responseContentType: ["schema": reference(schema)]]
        }
        if !route.links.isEmpty {
            success["links"] = Dictionary(uniqueKeysWithValues: route.links.map { link in
                (link.name, ["operationId": link.operationID, "parameters": link.parameters] as [String: Any])
            })
        }
        responses[String(route.successStatus)] = success
        // Every authenticated route can be refused to a scope: a `read` route to a `worker` token, a worker route
        // to a `read` token.
        let errors = (route.authenticated ? [401, 403] : []) + route.errorStatuses
        for status in errors {
            responses[String(status)] = [
                "description": reasons[status] ?? "Error",
                "content": ["application/json": ["schema": reference("Error")]],
            ]
        }
        var operation: [String: Any] = [
            "operationId": route.operationID,
            "summary": route.summary,
            "responses": responses,
        ]
        if route.authenticated {
            operation["description"] = route.requiredScope == .worker
                ? "Needs a token with scope 'worker' or 'admin'."
                : "Needs a token with scope '\(route.requiredScope.rawValue)' or wider."
            operation["x-slipway-scope"] = route.requiredScope.rawValue
        }
        if !route.authenticated { operation["security"] = [[String: Any]]() }
        let parameters = route.pathParameters.map { name -> [String: Any] in
            ["name": name, "in": "path", "required": true, "schema": pathParameterSchema(name, in: route.path)]
        } + route.queryParameters.map(queryParameter)
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let schema = route.requestSchema {
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": reference(schema)]]]
        }
        return operation
    }

    /// What the server accepts in each path parameter (`PathParameters`, `IdentifierParameters`); anything else
    /// is a 422 naming it.
    static func pathParameterSchema(_ name: String, in path: String) -> [String: Any] {
        switch name {
        case "app", "name": return ["type": "string", "pattern": "^[a-z][a-z0-9-]{0,29}$", "description": "a name: a lowercase letter, then up to 29 lowercase letters, digits and '-'"]
        case "version": return ["type": "string", "pattern": "^v?[1-9][0-9]{0,8}$", "description": "a release version: 7 or v7"]
        case "number": return ["type": "string", "pattern": "^[1-9][0-9]{0,8}$", "description": "a pull request number"]
        case "sha": return ["type": "string", "pattern": "^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$", "description": "a commit id (SHA-1 or SHA-256)"]
        case "id" where path.hasPrefix("/api/v1/test-runs"):
            return ["type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", "description": "a test run id (a UUID)"]
        case "id": return ["type": "string", "pattern": "^[0-9A-Za-z_-]{1,128}$", "description": "a build id"]
        case "worker": return ["type": "string", "pattern": "^[a-z][a-z0-9-]{0,29}$", "description": "a worker's name (as a name)"]
        case "lease": return ["type": "string", "pattern": "^lease-[0-9a-f]{1,64}$", "description": "a lease id"]
        case "tree": return ["type": "string", "pattern": "^[0-9A-Za-z_-][0-9A-Za-z_.-]{0,127}$", "description": "a tree id"]
        case "sequence": return ["type": "string", "pattern": "^[1-9][0-9]{0,8}$", "description": "a batch's number in its lease"]
        default: return ["type": "string"]
        }
    }

    private static func queryParameter(_ parameter: APIQueryParameter) -> [String: Any] {
        var schema: [String: Any] = ["type": parameter.type]
        if let minimum = parameter.minimum { schema["minimum"] = minimum }
        if let maximum = parameter.maximum { schema["maximum"] = maximum }
        if let allowed = parameter.allowed { schema["enum"] = allowed }
        if let pattern = parameter.pattern { schema["pattern"] = pattern }
        return ["name": parameter.name, "in": "query", "required": false, "description": parameter.description, "schema": schema]
    }

    /// `Name` → a `$ref`; `[Name]` → an array of it.
    private static func reference(_ schema: String) -> [String: Any] {
        if schema.hasPrefix("["), schema.hasSuffix("]") {
            return ["type": "array", "items": reference(String(schema.dropFirst().dropLast()))]
        }
        return ["$ref": "#/components/schemas/\(schema)"]
    }
}
