import AddOns
import Orchestration
import Hummingbird
import SlipwayModel
import Store

/// `/apps`: create (stand-alone, or in a pipeline at a stage), list, show and delete.
struct AppsController {
    let store: any SlipwayStore
    let deployer: Deployer?

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.post(use: create)
        routes.get(use: list)
        routes.get(":app", use: show)
        routes.delete(":app", use: delete)
        return routes
    }

    struct CreateBody: JSONRequestBody {
        static let allowedKeys: Set<String> = ["name", "pipeline", "stage"]
        var name: ResourceName
        var pipeline: ResourceName?
        var stage: String?
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(CreateBody.self, context: context)
        var stage: AppStage?
        if let raw = body.stage {
            guard let parsed = AppStage(rawValue: raw) else {
                let allowed = AppStage.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.invalid("stage", "stage: expected one of \(allowed)")
            }
            stage = parsed
        }
        switch (body.pipeline, stage) {
        case (nil, nil), (.some, .some): break
        case (.some, nil): throw APIError.invalid("stage", "stage: required when a pipeline is given")
        case (nil, .some): throw APIError.invalid("pipeline", "pipeline: required when a stage is given")
        }
        let created = try await store.createApp(App(name: body.name, pipeline: body.pipeline, stage: stage))
        return try JSONResponse.make(AppResource(created), status: .created)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.apps().map(AppResource.init))
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        try JSONResponse.make(AppResource(try await store.app(named: try context.name("app"))))
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        _ = try await store.app(named: app)
        guard let deployer else {
            try await store.deleteApp(named: app)
            return Response(status: .noContent)
        }
        // Under the app's deploy lock: no release can start between the dynos' stop and the records' removal.
        try await deployer.remove(app: app) {
            // Its add-ons go with it, data included (a failure keeps the app, so nothing is orphaned).
            if let addons = deployer.addons {
                do throws(AddOnError) {
                    _ = try await addons.deprovision(app: app.rawValue)
                } catch {
                    throw APIError(.internalServerError, id: "addons_failed", "cannot drop the app's add-ons: \(error.message)")
                }
            }
            try await store.deleteApp(named: app)
        }
        return Response(status: .noContent)
    }
}
