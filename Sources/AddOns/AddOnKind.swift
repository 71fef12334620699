import Manifest

/// The add-on services Slipway runs itself. Any other service in app.json `addons` is warned about and skipped.
public enum AddOnKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// `heroku-postgresql` (any plan): a database and a role of its own on a PostgreSQL server.
    case postgres = "heroku-postgresql"
    /// `heroku-redis` (any plan): a logical database and an ACL user of its own on a Redis server.
    case redis = "heroku-redis"

    /// The kind of a declared add-on, or nil when Slipway cannot run it.
    public init?(_ addon: Addon) {
        self.init(rawValue: addon.service)
    }

    /// Heroku's colour-named var prefix (`HEROKU_POSTGRESQL`, `HEROKU_REDIS`).
    var colorPrefix: String {
        switch self {
        case .postgres: "HEROKU_POSTGRESQL"
        case .redis: "HEROKU_REDIS"
        }
    }
}

/// What Slipway does with an app's declared add-ons: which it provisions and a warning for each it cannot.
public struct AddOnPlan: Sendable, Equatable {
    /// The add-ons Slipway provisions, in app.json order.
    public var supported: [Addon]
    /// One line per add-on Slipway does not run, for `manifest check`, the deploy log and the dashboard.
    public var warnings: [String]

    public init(_ declared: [Addon]) {
        supported = declared.filter { AddOnKind($0) != nil }
        warnings = declared.filter { AddOnKind($0) == nil }.map(\.notRunWarning)
    }
}
