/// The keys of app.json `environments.test` or `environments.review`. Each key that is present replaces the
/// base key of the same name whole, as on Heroku: an `env` here is the complete env of that context, not a
/// patch over the base `env`.
public struct EnvironmentOverride: Sendable, Equatable {
    /// The keys an environment may set.
    public static let replaceableKeys = ["env", "scripts", "formation", "addons", "buildpacks"]

    public var env: [EnvVarSpec]?
    public var scripts: Scripts?
    public var formation: Formation?
    public var addons: [Addon]?
    public var buildpacks: [Buildpack]?

    public init(env: [EnvVarSpec]? = nil, scripts: Scripts? = nil, formation: Formation? = nil, addons: [Addon]? = nil, buildpacks: [Buildpack]? = nil) {
        self.env = env
        self.scripts = scripts
        self.formation = formation
        self.addons = addons
        self.buildpacks = buildpacks
    }
}
