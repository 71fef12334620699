import Testing
@testable import Manifest

@Suite struct ConfigResolverTests {
    static let app = AppJSON(env: [
        EnvVarSpec(name: "FROM_APP_JSON", value: "a"),
        EnvVarSpec(name: "PIPELINE_WINS", value: "a"),
        EnvVarSpec(name: "OVERRIDE_WINS", value: "a"),
        EnvVarSpec(name: "INJECTED_WINS", value: "a"),
        EnvVarSpec(name: "SECRET_KEY_BASE", generator: .secret),
        EnvVarSpec(name: "OPTIONAL", required: false),
    ])

    private func resolve(_ app: AppJSON?, _ input: ConfigResolutionInput, seed: UInt64 = 1) -> ResolvedConfig {
        var generator = SeededGenerator(seed: seed)
        return ConfigResolver.resolve(app, input: input, generator: &generator)
    }

    @Test func precedenceIsAppJSONThenPipelineThenOverrideThenInjected() throws {
        let resolved = resolve(Self.app, ConfigResolutionInput(
            context: .review,
            pipelineVars: ["PIPELINE_WINS": "p", "OVERRIDE_WINS": "p", "INJECTED_WINS": "p", "PIPELINE_ONLY": "p"],
            overrides: ["OVERRIDE_WINS": "o", "INJECTED_WINS": "o"],
            injected: InjectedVariables.reviewApp(appName: "pr-7", branch: "feature", pullRequestNumber: 7).merging(["INJECTED_WINS": "i"]) { $1 }))
        let sources = Dictionary(uniqueKeysWithValues: resolved.variables.map { ($0.name, "\($0.value)/\($0.source.rawValue)") })
        #expect(sources["FROM_APP_JSON"] == "a/app.json")
        #expect(sources["PIPELINE_WINS"] == "p/pipeline")
        #expect(sources["OVERRIDE_WINS"] == "o/override")
        #expect(sources["INJECTED_WINS"] == "i/injected")
        #expect(sources["PIPELINE_ONLY"] == "p/pipeline")
        #expect(sources["HEROKU_APP_NAME"] == "pr-7/injected")
        #expect(sources["HEROKU_BRANCH"] == "feature/injected")
        #expect(sources["HEROKU_PR_NUMBER"] == "7/injected")
        #expect(resolved["SECRET_KEY_BASE"]?.source == .generated)
        #expect(resolved["OPTIONAL"] == nil)
        #expect(resolved["PIPELINE_ONLY"]?.required == false)
        #expect(resolved["FROM_APP_JSON"]?.required == true)
        #expect(resolved.isComplete)
        #expect(resolved.variables.map(\.name) == resolved.variables.map(\.name).sorted())
    }

    @Test func requiredKeysWithoutValueAreOneErrorListingEveryKey() {
        let app = AppJSON(env: [
            EnvVarSpec(name: "B_TOKEN"), EnvVarSpec(name: "A_KEY", value: ""), EnvVarSpec(name: "C_SET", value: "x"),
            EnvVarSpec(name: "D_OPTIONAL", required: false), EnvVarSpec(name: "E_FROM_PIPELINE"),
        ])
        let resolved = resolve(app, ConfigResolutionInput(context: .review, pipelineVars: ["E_FROM_PIPELINE": "v"]))
        #expect(resolved.missing == MissingConfigError(names: ["A_KEY", "B_TOKEN"]))
        #expect(resolved.missing?.description == "2 required config vars have no value: A_KEY, B_TOKEN; set them in the pipeline's config vars or as overrides")
        let one = resolve(AppJSON(env: [EnvVarSpec(name: "ONLY")]), ConfigResolutionInput(context: .app))
        #expect(one.missing?.description == "required config var ONLY has no value; set it in the pipeline's config vars or as an override")
    }

    @Test func anEmptyHigherLayerDoesNotSatisfyARequiredKey() {
        let resolved = resolve(AppJSON(env: [EnvVarSpec(name: "K", value: "x")]), ConfigResolutionInput(context: .app, overrides: ["K": ""]))
        #expect(resolved.missing?.names == ["K"])
    }

    @Test func forksNeverReceivePipelineVarsUnlessThePipelineOptsIn() {
        let app = AppJSON(env: [EnvVarSpec(name: "API_TOKEN"), EnvVarSpec(name: "MODE", value: "review")])
        let input = ConfigResolutionInput(context: .review, pipelineVars: ["API_TOKEN": "t", "MODE": "p"], overrides: ["X": "o"], isFork: true)
        let fork = resolve(app, input)
        #expect(fork["API_TOKEN"] == nil)
        #expect(fork["MODE"]?.value == "review")
        #expect(fork["X"]?.source == .override)
        #expect(fork.withheldPipelineVars == ["API_TOKEN", "MODE"])
        #expect(fork.missing?.names == ["API_TOKEN"])

        var trusted = input
        trusted.forkReceivesPipelineVars = true
        #expect(resolve(app, trusted)["API_TOKEN"]?.source == .pipeline)
        #expect(resolve(app, trusted).withheldPipelineVars.isEmpty)
    }

    @Test func secretsAre64LowercaseHexAndDiffer() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let secret = SecretGenerator.generate()
            #expect(secret.count == 64)
            #expect(secret.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(SecretGenerator.isWellFormed(secret))
            seen.insert(secret)
        }
        #expect(seen.count == 1000)
        // Every hex digit shows up: the encoding uses the whole alphabet.
        #expect(Set(seen.joined()).count == 16)
    }

    @Test func secretsAreGeneratedOnceAndStoredSecretsAreReused() {
        let first = resolve(Self.app, ConfigResolutionInput(context: .app), seed: 1)
        let generated = first.newSecrets["SECRET_KEY_BASE"]
        #expect(generated.map(SecretGenerator.isWellFormed) == true)
        #expect(first["SECRET_KEY_BASE"]?.value == generated)

        let second = resolve(Self.app, ConfigResolutionInput(context: .app, storedSecrets: first.newSecrets), seed: 99)
        #expect(second.newSecrets.isEmpty)
        #expect(second["SECRET_KEY_BASE"]?.value == generated)

        let other = resolve(Self.app, ConfigResolutionInput(context: .app), seed: 2)
        #expect(other["SECRET_KEY_BASE"]?.value != generated)
    }

    @Test func aPipelineValueBeatsAGeneratedSecret() {
        let resolved = resolve(Self.app, ConfigResolutionInput(context: .app, pipelineVars: ["SECRET_KEY_BASE": "mine"]))
        #expect(resolved["SECRET_KEY_BASE"]?.value == "mine")
        #expect(resolved["SECRET_KEY_BASE"]?.source == .pipeline)
    }

    @Test func noAppJSONMeansOnlyTheOtherLayers() {
        let resolved = resolve(nil, ConfigResolutionInput(context: .test, injected: InjectedVariables.testRun(runID: "r1")))
        #expect(resolved.environment == ["CI": "true", "HEROKU_TEST_RUN_ID": "r1"])
        #expect(resolved.isComplete)
    }

    @Test func injectedVariableNamesFollowTheSpec() {
        #expect(InjectedVariables.testWorker(index: 0, total: 4) == [
            "CI_NODE_TOTAL": "4", "CI_NODE_INDEX": "0", "TEST_TOTAL_SHARDS": "4", "TEST_SHARD_INDEX": "0",
        ])
        #expect(InjectedVariables.testRun(runID: "1", branch: "main", commit: "abc") == [
            "CI": "true", "HEROKU_TEST_RUN_ID": "1", "HEROKU_TEST_RUN_BRANCH": "main", "HEROKU_TEST_RUN_COMMIT_VERSION": "abc",
        ])
        #expect(InjectedVariables.reviewApp(appName: nil, branch: nil, pullRequestNumber: nil).isEmpty)
    }

    @Test func sourcesOrderByPrecedence() {
        #expect(ConfigSource.appJSON < .pipeline && ConfigSource.pipeline < .override && ConfigSource.override < .injected)
        #expect(!(ConfigSource.generated < .appJSON) && !(ConfigSource.appJSON < .generated))
    }
}
