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
