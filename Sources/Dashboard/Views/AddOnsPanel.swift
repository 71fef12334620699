import AddOns
import Foundation
import Manifest
import SlipwayModel

/// The app page's add-ons: each database or Redis the app has on the add-on servers, with its state and its URL
/// masked (`••••` for the password: the page never shows a credential), and a warning for each add-on the
/// current release's app.json declares that Slipway does not run.
struct AddOnsPanel: Sendable {
    struct Row: Sendable {
        var service: String
        var resource: String
        var state: Badge
        var maskedURL: String
    }

    // Stored, not computed: the templates see stored properties only (swift-mustache reads them by reflection).
    var rows: [Row]
    var hasRows: Bool
    var warnings: [String]
    /// The add-on servers could not be read (down, or not configured); the reason, with no URL in it.
    var unavailable: String?

    /// Nil when the app has no add-on at all and declares none: the page shows no panel.
    static func load(_ data: DashboardData, app: App, current: Release?) async -> AddOnsPanel? {
        var warnings: [String] = []
        if let buildID = current?.buildID, let build = try? await data.store.build(id: buildID) {
            let manifest = ManifestLoader.load(directory: URL(fileURLWithPath: build.directory))
            let declared = manifest.appJSON?.effective(for: app.review != nil ? .review : .app).addons ?? []
            warnings = AddOnPlan(declared).warnings
        }
        var rows: [Row] = []
        var unavailable: String?
        if let provisioner = data.deployer?.addons {
            do {
                rows = try await provisioner.list(app: app.name.rawValue).map {
                    Row(service: $0.kind.rawValue, resource: $0.resource, state: state($0.state), maskedURL: $0.maskedURL)
                }
            } catch {
                unavailable = error.message
            }
        }
        if rows.isEmpty && warnings.isEmpty && unavailable == nil { return nil }
        return AddOnsPanel(rows: rows, hasRows: !rows.isEmpty, warnings: warnings, unavailable: unavailable)
    }

    static func state(_ state: AddOnStatus.State) -> Badge {
        switch state {
        case .available: Badge("available", tone: "ok")
        case .incomplete: Badge("incomplete", tone: "bad")
        }
    }
}
