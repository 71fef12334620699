/// A typed app.json: every key of Heroku's schema, Dokku's `healthchecks` and `scripts.dokku`, and Slipway's
/// `slipway` block (SPEC §2). Produced by `ManifestLoader` or `AppJSONDecoder`; pure values.
///
/// Keys hold the base (`app`) values as written. For CI or a review app, read `effective(for:)`, which applies
/// `environments.test` / `environments.review`.
public struct AppJSON: Sendable, Equatable {
    public var name: String?
    public var description: String?
    public var keywords: [String]
    public var website: String?
    public var repository: String?
    public var logo: String?
    public var successURL: String?
    public var scripts: Scripts
    /// Config vars in file order.
    public var env: [EnvVarSpec]
    public var formation: Formation
    public var addons: [Addon]
    public var buildpacks: [Buildpack]
    public var stack: String?
    public var image: String?
    /// `environments.test`, if present.
    public var testEnvironment: EnvironmentOverride?
    /// `environments.review`, if present.
    public var reviewEnvironment: EnvironmentOverride?
    /// Dokku health checks by process type; each type's checks in file order.
    public var healthchecks: [String: [HealthCheck]]
    public var slipway: SlipwaySettings

    public init(
        name: String? = nil, description: String? = nil, keywords: [String] = [], website: String? = nil,
        repository: String? = nil, logo: String? = nil, successURL: String? = nil, scripts: Scripts = Scripts(),
        env: [EnvVarSpec] = [], formation: Formation = Formation(), addons: [Addon] = [], buildpacks: [Buildpack] = [],
        stack: String? = nil, image: String? = nil, testEnvironment: EnvironmentOverride? = nil,
        reviewEnvironment: EnvironmentOverride? = nil, healthchecks: [String: [HealthCheck]] = [:],
        slipway: SlipwaySettings = SlipwaySettings()
    ) {
        self.name = name
        self.description = description
        self.keywords = keywords
        self.website = website
        self.repository = repository
        self.logo = logo
        self.successURL = successURL
        self.scripts = scripts
        self.env = env
        self.formation = formation
        self.addons = addons
        self.buildpacks = buildpacks
        self.stack = stack
        self.image = image
        self.testEnvironment = testEnvironment
        self.reviewEnvironment = reviewEnvironment
        self.healthchecks = healthchecks
        self.slipway = slipway
    }

    /// The declaration of one config var, if app.json has it.
    public func envVar(named name: String) -> EnvVarSpec? {
        env.last { $0.name == name }
    }

    /// The app as it is in `context`: the keys `environments.<context>` sets replace the base keys whole
    /// (no deep merge), the rest are the base values. For `.app` this is `self`.
    ///
    /// The result has no `environments` of its own, so applying it twice is harmless.
    public func effective(for context: ManifestContext) -> AppJSON {
        let override: EnvironmentOverride?
        switch context {
        case .app: override = nil
        case .test: override = testEnvironment
        case .review: override = reviewEnvironment
        }
        var result = self
        result.testEnvironment = nil
        result.reviewEnvironment = nil
        guard let override else { return result }
        if let env = override.env { result.env = env }
        if let scripts = override.scripts { result.scripts = scripts }
        if let formation = override.formation { result.formation = formation }
        if let addons = override.addons { result.addons = addons }
        if let buildpacks = override.buildpacks { result.buildpacks = buildpacks }
        return result
    }

    /// How many CI workers a test run uses: `formation.test.quantity` of the test context, 1 when unset.
    public var testWorkerCount: Int {
        effective(for: .test).formation["test"]?.quantity ?? 1
    }

    /// Everything the CI test runner needs, already resolved for the test context.
    public var ciView: CITestView {
        let test = effective(for: .test)
        return CITestView(
            testSetup: test.scripts.testSetup?.command,
            test: test.scripts.test?.command,
            env: test.env,
            workerCount: test.formation["test"]?.quantity ?? 1,
            tests: slipway.tests ?? TestSettings(),
            build: slipway.build
        )
    }
}

/// The test context of an app, as the CI runner reads it (`environments.test` applied, `slipway.tests` attached).
public struct CITestView: Sendable, Equatable {
    /// `scripts.test-setup`: run once per worker before tests.
    public var testSetup: String?
    /// `scripts.test`: the test command; `nil` means the app has no CI configuration.
    public var test: String?
    /// Config vars declared for the test context (resolve them with `ConfigResolver` for values).
    public var env: [EnvVarSpec]
    /// `formation.test.quantity`, 1...32; 1 when unset.
    public var workerCount: Int
    /// `slipway.tests` (empty defaults when absent).
    public var tests: TestSettings
    /// `slipway.build`.
    public var build: String?
}
