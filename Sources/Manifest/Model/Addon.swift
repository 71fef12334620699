/// An add-on the app asks for: `"heroku-postgresql:mini"` or `{"plan": "...", "as": "...", "options": {...}}`.
public struct Addon: Sendable, Equatable {
    /// The plan as written, `service[:plan]`.
    public var plan: String
    /// The attachment name (`as`), which prefixes the config vars the add-on sets (e.g. `DATABASE`).
    public var attachmentName: String?
    /// Provider-specific options, kept as JSON.
    public var options: JSONObject?

    public init(plan: String, attachmentName: String? = nil, options: JSONObject? = nil) {
        self.plan = plan
        self.attachmentName = attachmentName
        self.options = options
    }

    /// The service part of the plan: `heroku-postgresql` in `heroku-postgresql:mini`.
    public var service: String {
        plan.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? plan
    }

    /// The add-on services Slipway runs itself (module `AddOns`): each app gets a database of its own.
    public static let servicesSlipwayRuns = ["heroku-postgresql", "heroku-redis"]

    /// Whether Slipway provisions this add-on; any other is a warning at `manifest check` and at every deploy.
    public var isRunBySlipway: Bool { Self.servicesSlipwayRuns.contains(service) }

    /// The warning for an add-on Slipway does not run, naming it.
    public var notRunWarning: String {
        "add-on \"\(plan)\" is not provided by Slipway (it runs \(Self.servicesSlipwayRuns.joined(separator: " and ")) itself); "
            + "the app is deployed without it, so set the config vars it would give by hand"
    }

    /// Heroku's attachment name for the first add-on of a service when app.json gives none (`DATABASE_URL`).
    static let defaultAttachmentNames = ["heroku-postgresql": "DATABASE", "heroku-redis": "REDIS"]

    /// The config var this add-on's URL is attached as: its `as` name (upper-cased, `-` as `_`) plus `_URL`, else
    /// Heroku's default for the first add-on of its service (`DATABASE_URL`, `REDIS_URL`); nil for a later unnamed
    /// one, which gets only its colour var (`HEROKU_POSTGRESQL_<COLOR>_URL`, chosen when it is made).
    public func attachmentConfigVar(isFirstOfService: Bool) -> String? {
        if let name = attachmentName, !name.isEmpty { return name.uppercased().replacingOccurrences(of: "-", with: "_") + "_URL" }
        guard isFirstOfService, let name = Self.defaultAttachmentNames[service] else { return nil }
        return name + "_URL"
    }

    /// The attachment config vars of the add-ons Slipway runs among `addons`, in app.json order.
    public static func attachmentConfigVars(of addons: [Addon]) -> [String] {
        var seen: Set<String> = []
        return addons.filter(\.isRunBySlipway).compactMap { addon in
            addon.attachmentConfigVar(isFirstOfService: seen.insert(addon.service).inserted)
        }
    }

    /// The plan part after the colon, if any: `mini` in `heroku-postgresql:mini`.
    public var planName: String? {
        let parts = plan.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[1]) : nil
    }
}

/// A buildpack: a registry name (`heroku/ruby`) or a URL, optionally with a `#tag`.
public struct Buildpack: Sendable, Equatable {
    public var url: String

    public init(url: String) {
        self.url = url
    }
}
