/// What a resolution starts from besides app.json.
public struct ConfigResolutionInput: Sendable, Equatable {
    /// Which environment of app.json applies.
    public var context: ManifestContext
    /// The pipeline's config vars for this context (for review apps, the pipeline's review config vars).
    public var pipelineVars: [String: String]
    /// Vars set on this app alone.
    public var overrides: [String: String]
    /// Vars Slipway sets itself (see `InjectedVariables`); they win over everything.
    public var injected: [String: String]
    /// Vars the app's add-ons set (`DATABASE_URL`, `REDIS_URL`, …; module `AddOns`); above overrides, below injected.
    public var addonVars: [String: String]
    /// Secrets generated for this app earlier, by var name. Keys app.json declares with `generator: "secret"`
    /// that are missing here are generated and returned in `ResolvedConfig.newSecrets`.
    public var storedSecrets: [String: String]
    /// The pull request comes from a fork: pipeline vars (which hold the pipeline's secrets) are withheld.
    public var isFork: Bool
    /// The pipeline trusts forks with its config vars (off by default, as on Heroku).
    public var forkReceivesPipelineVars: Bool

    public init(
        context: ManifestContext, pipelineVars: [String: String] = [:], overrides: [String: String] = [:],
        injected: [String: String] = [:], storedSecrets: [String: String] = [:], isFork: Bool = false,
        forkReceivesPipelineVars: Bool = false, addonVars: [String: String] = [:]
    ) {
        self.addonVars = addonVars
        self.context = context
        self.pipelineVars = pipelineVars
        self.overrides = overrides
        self.injected = injected
        self.storedSecrets = storedSecrets
        self.isFork = isFork
        self.forkReceivesPipelineVars = forkReceivesPipelineVars
    }
}

/// Resolves an app's config vars for a context (SPEC §3). Lowest to highest precedence:
///
/// 1. app.json `env` values and generated secrets (`app.json`, `generated`), from the context's effective app.json
/// 2. the pipeline's config vars (`pipeline`) — not for forks unless the pipeline opts in
/// 3. per-app overrides (`override`)
/// 4. config vars of the app's add-ons (`addon`)
/// 5. variables Slipway injects (`injected`)
///
/// A higher layer replaces a value whole. A var app.json declares `required` (the default) whose value is
/// missing or empty after all layers is reported; all such vars are named in one `MissingConfigError`.
public enum ConfigResolver {
    /// Resolves with secrets from the system CSPRNG.
    public static func resolve(_ appJSON: AppJSON?, input: ConfigResolutionInput) -> ResolvedConfig {
        var generator = SystemRandomNumberGenerator()
        return resolve(appJSON, input: input, generator: &generator)
    }

    /// Resolves with secrets from `generator` (tests use a seeded one).
    public static func resolve<G: RandomNumberGenerator>(_ appJSON: AppJSON?, input: ConfigResolutionInput, generator: inout G) -> ResolvedConfig {
        let declared = (appJSON ?? AppJSON()).effective(for: input.context).env
        var variables: [String: ResolvedVariable] = [:]
        var newSecrets: [String: String] = [:]

        for spec in declared {
            if spec.generator == .secret {
                let secret: String
                if let stored = input.storedSecrets[spec.name] {
                    secret = stored
                } else {
                    secret = SecretGenerator.generate(using: &generator)
                    newSecrets[spec.name] = secret
                }
                variables[spec.name] = ResolvedVariable(name: spec.name, value: secret, source: .generated, required: spec.required, description: spec.description)
            } else if let value = spec.value {
                variables[spec.name] = ResolvedVariable(name: spec.name, value: value, source: .appJSON, required: spec.required, description: spec.description)
            }
        }

        let withholdPipeline = input.isFork && !input.forkReceivesPipelineVars
        let layers: [(ConfigSource, [String: String])] = [
            (.pipeline, withholdPipeline ? [:] : input.pipelineVars),
            (.override, input.overrides),
            (.addon, input.addonVars),
            (.injected, input.injected),
        ]
        let specsByName = Dictionary(declared.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        for (source, values) in layers {
            for (name, value) in values {
                let spec = specsByName[name]
                variables[name] = ResolvedVariable(name: name, value: value, source: source, required: spec?.required ?? false, description: spec?.description)
            }
        }

        // Empty counts as missing for a required var: Heroku's setup form refuses to create an app with a
        // required field left blank, and an app declaring a var required has no use for "".
        let missing = declared
            .filter { $0.required && (variables[$0.name]?.value.isEmpty ?? true) }
            .map(\.name)
        return ResolvedConfig(
            variables: variables.values.sorted { $0.name < $1.name },
            newSecrets: newSecrets,
            missing: missing.isEmpty ? nil : MissingConfigError(names: Array(Set(missing)).sorted()),
            withheldPipelineVars: withholdPipeline ? input.pipelineVars.keys.sorted() : [])
    }
}

/// The variables Slipway injects into processes (SPEC §3), in one place so the CLI, the service and the test
/// runner agree on names.
public enum InjectedVariables {
    /// For a review app: Heroku's names, so apps written for Heroku review apps work unchanged.
    public static func reviewApp(appName: String?, branch: String?, pullRequestNumber: Int?) -> [String: String] {
        var variables: [String: String] = [:]
        if let appName { variables["HEROKU_APP_NAME"] = appName }
        if let branch { variables["HEROKU_BRANCH"] = branch }
        if let pullRequestNumber { variables["HEROKU_PR_NUMBER"] = String(pullRequestNumber) }
        return variables
    }

    /// For every CI worker; the runner adds per-worker vars (`CI_NODE_INDEX`, …) with `testWorker`.
    public static func testRun(runID: String? = nil, branch: String? = nil, commit: String? = nil) -> [String: String] {
        var variables = ["CI": "true"]
        if let runID { variables["HEROKU_TEST_RUN_ID"] = runID }
        if let branch { variables["HEROKU_TEST_RUN_BRANCH"] = branch }
        if let commit { variables["HEROKU_TEST_RUN_COMMIT_VERSION"] = commit }
        return variables
    }

    /// Per-worker shard variables: Heroku's (`CI_NODE_*`, 0-based index) and Bazel's (`TEST_*`).
    public static func testWorker(index: Int, total: Int) -> [String: String] {
        [
            "CI_NODE_TOTAL": String(total), "CI_NODE_INDEX": String(index),
            "TEST_TOTAL_SHARDS": String(total), "TEST_SHARD_INDEX": String(index),
        ]
    }
}
