import Orchestration
import Foundation
import Hummingbird
import Sandbox
import SlipwayModel
import Store

/// `/apps/{app}/formation`: dyno quantity and size per process type. `PATCH` takes Heroku's batch shape,
/// `{"updates": [{"type": "web", "quantity": 2, "size": "standard-1x"}]}`, and answers with the whole formation.
struct FormationController {
    /// The most dynos of one process type an app may ask for.
    static let maximumQuantity = 100

    let store: any SlipwayStore
    let deployer: Deployer?

    var routes: RouteCollection<APIRequestContext> {
        let routes = RouteCollection(context: APIRequestContext.self)
        routes.get(use: show)
        routes.patch(use: update)
        return routes
    }

    struct UpdateBody: JSONRequestBody {
        static let allowedKeys: Set<String> = ["updates"]
        var updates: [Update]
    }

    struct Update: Decodable {
        static let allowedKeys: Set<String> = ["type", "quantity", "size"]
        var type: String
        var quantity: Int
        var size: String?
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        _ = try await store.app(named: app)
        return try JSONResponse.make(try await store.formation(app: app).map(FormationResource.init))
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let app = try context.name("app")
        let data = try await request.collectJSONObject(context: context)
        // Each update's keys too: a misspelt "quantitiy" must not pass as an update without it.
        if let updates = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["updates"] as? [Any] {
            for (index, item) in updates.enumerated() {
                guard let object = item as? [String: Any] else { continue }
                if let unknown = object.keys.sorted().first(where: { !Update.allowedKeys.contains($0) }) {
                    throw APIError.invalid("updates[\(index)].\(unknown.prefix(64))",
                                           "updates[\(index)]: unknown field '\(unknown.prefix(64))'; allowed: quantity, size, type")
                }
            }
        }
        let body = try request.decodeJSON(UpdateBody.self, from: data, context: context)
        let entries = try Self.validate(body.updates)
        _ = try await store.app(named: app)
        // The running release is scaled first: if that fails, the stored formation stays as it was.
        let quantities = Dictionary(entries.map { ($0.processType, $0.quantity) }, uniquingKeysWith: { $1 })
        if case .failed(let reason, let output) = try await deployer?.scale(app: app, formation: quantities) {
            throw APIError.deployFailed("scaling failed, nothing changed: \(reason)", output: output)
        }
        let formation = try await store.updateFormation(app: app, entries, removingOthers: false)
        return try JSONResponse.make(formation.map(FormationResource.init))
    }

    static func validate(_ updates: [Update]) throws -> [FormationEntry] {
        guard !updates.isEmpty else { throw APIError.invalid("updates", "updates: give at least one process type") }
        var seen: Set<String> = []
        return try updates.enumerated().map { index, update in
            let field = "updates[\(index)]"
            let validType = !update.type.isEmpty && update.type.utf8.count <= 30 && update.type.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
            }
            guard validType else {
                throw APIError.invalid("\(field).type", "\(field).type: a process type is 1-30 of A-Z a-z 0-9 _ -")
            }
            guard seen.insert(update.type).inserted else {
                throw APIError.invalid("\(field).type", "\(field).type: '\(update.type)' is listed twice")
            }
            guard (0...maximumQuantity).contains(update.quantity) else {
                throw APIError.invalid("\(field).quantity", "\(field).quantity: expected 0 to \(maximumQuantity)")
            }
            let size = update.size ?? "standard-1x"
            // As Heroku's API: an unknown size is refused, not run as standard-1x.
            guard ResourceLimits.isKnownSize(size) else {
                throw APIError.invalid("\(field).size", "\(field).size: expected one of \(ResourceLimits.knownSizes.joined(separator: ", "))")
            }
            return FormationEntry(processType: update.type, quantity: update.quantity, size: size)
        }
    }
}
