import Testing
@testable import Manifest

@Suite struct AppJSONDecoderTests {
    @Test func everyKeyOfTheSchemaIsTyped() throws {
        let result = decode(#"""
        {
          "name": "Demo", "description": "d", "keywords": ["a", "b"], "website": "https://x.org",
          "repository": "https://github.com/x/y", "logo": "https://x.org/l.png", "success_url": "/welcome",
          "scripts": {"postdeploy": "rake setup", "pr-predestroy": {"command": "rake down", "size": "basic"},
                      "dokku": {"predeploy": "p1", "postdeploy": "p2"}},
          "env": {"A": "1", "B": {"description": "b", "value": "2", "required": false}, "S": {"generator": "secret"}},
          "formation": {"web": {"quantity": 2, "size": "standard-2x"}, "worker": {}},
          "addons": ["heroku-redis", {"plan": "heroku-postgresql:mini", "as": "DATABASE", "options": {"version": "16"}}],
          "buildpacks": [{"url": "heroku/ruby"}],
          "stack": "heroku-24", "image": "heroku/ruby",
          "healthchecks": {"web": [{"type": "startup", "path": "/health", "timeout": 5, "attempts": 3, "wait": 2}]},
          "slipway": {"build": "make", "tests": {"files": ["spec/**/*_spec.rb"], "split": "timings", "retries": 2, "junit": "tmp/*.xml"},
                      "review": {"stale_days": 7, "wait_for_ci": true}},
          "environments": {"test": {"scripts": {"test": "rspec"}}, "review": {"env": {"R": "1"}}}
        }
        """#)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let app = try #require(result.appJSON)
        #expect(app.name == "Demo" && app.keywords == ["a", "b"] && app.successURL == "/welcome")
        #expect(app.scripts.entries == [
            Script(name: "postdeploy", command: "rake setup"),
            Script(name: "pr-predestroy", command: "rake down", size: "basic"),
            Script(name: "dokku.predeploy", command: "p1"),
            Script(name: "dokku.postdeploy", command: "p2"),
        ])
        #expect(app.env == [
            EnvVarSpec(name: "A", value: "1"),
            EnvVarSpec(name: "B", description: "b", value: "2", required: false),
            EnvVarSpec(name: "S", generator: .secret),
        ])
        #expect(app.formation.entries == [
            FormationDeclaration(processType: "web", quantity: 2, size: "standard-2x"), FormationDeclaration(processType: "worker"),
        ])
        #expect(app.addons[1].service == "heroku-postgresql" && app.addons[1].planName == "mini")
        #expect(app.addons[1].attachmentName == "DATABASE" && app.addons[1].options?["version"] == .string("16"))
        #expect(app.addons[0].planName == nil)
        #expect(app.buildpacks == [Buildpack(url: "heroku/ruby")])
        #expect(app.healthchecks["web"]?.first?.timeout == 5)
        #expect(app.slipway == SlipwaySettings(
            build: "make", tests: TestSettings(files: ["spec/**/*_spec.rb"], split: .timings, retries: 2, junit: "tmp/*.xml"),
            review: ReviewSettings(staleDays: 7, waitForCI: true)))
        #expect(app.testEnvironment?.scripts?.test?.command == "rspec")
        #expect(app.reviewEnvironment?.env == [EnvVarSpec(name: "R", value: "1")])
    }

    @Test func typeErrorsNameTheirPathsAndAreAllCollectedInOnePass() {
        let result = decode(#"""
        {"name": 5, "env": {"SECRET": {"required": "yes"}, "LIST": [1]}, "formation": {"web": {"quantity": "2"}},
         "addons": [3], "buildpacks": {"url": "x"}, "scripts": {"test": 1},
         "slipway": {"tests": {"split": "random", "retries": -1, "files": "spec"}, "review": {"stale_days": 0, "wait_for_ci": "yes"}}}
        """#)
        #expect(result.appJSON == nil)
        #expect(result.diagnostics.errors == [
            "app.json: name: expected a string, got 5",
            "app.json: env.SECRET.required: expected a boolean, got \"yes\"",
            "app.json: env.LIST: expected a string or an object {description, value, required, generator}, got an array",
            "app.json: formation.web.quantity: expected a whole number, got \"2\"",
            "app.json: addons[0]: expected \"service[:plan]\" or an object {plan, as, options}, got 3",
            "app.json: buildpacks: expected an array of {\"url\": …}, got an object",
            "app.json: scripts.test: expected a command string or an object {command, size}, got 1",
            "app.json: slipway.tests.files: expected an array of globs, got \"spec\"",
            "app.json: slipway.tests.split: expected one of \"env\", \"timings\", \"queue\", got \"random\"",
            "app.json: slipway.tests.retries: expected a number from 0 to 10, got -1",
            "app.json: slipway.review.stale_days: expected a number from 1 to 3650, got 0",
            "app.json: slipway.review.wait_for_ci: expected a boolean, got \"yes\"",
        ])
    }

    @Test func testWorkerCountAbove32IsAnErrorNamingThePath() {
        let result = decode(#"{"environments": {"test": {"formation": {"test": {"quantity": 64}}}}}"#)
        #expect(result.diagnostics.errors == [
            "app.json: environments.test.formation.test.quantity: the CI worker count must be from 1 to 32, got 64"
        ])
        #expect(decode(#"{"environments": {"test": {"formation": {"test": {"quantity": 0}}}}}"#).appJSON == nil)
        #expect(decode(#"{"environments": {"test": {"formation": {"test": {"quantity": 32}}}}}"#).appJSON?.testWorkerCount == 32)
        #expect(decode(#"{"formation": {"test": {"quantity": 33}}}"#).diagnostics.errors.first?.hasPrefix("app.json: formation.test.quantity") == true)
    }

    @Test func numberAndBooleanEnvValuesAreAcceptedAsTheirJSONTextWithAWarning() throws {
        let result = decode(#"{"env": {"N": 5, "F": 1.50, "B": true, "O": {"value": false}}}"#)
        let app = try #require(result.appJSON)
        #expect(app.env.map(\.value) == ["5", "1.50", "true", "false"])
        #expect(result.diagnostics.warnings == [
            "app.json: env.N: 5 is not a string; it is used as the text \"5\" (quote it to say so)",
            "app.json: env.F: 1.50 is not a string; it is used as the text \"1.50\" (quote it to say so)",
            "app.json: env.B: true is not a string; it is used as the text \"true\" (quote it to say so)",
            "app.json: env.O.value: false is not a string; it is used as the text \"false\" (quote it to say so)",
        ])
    }

    @Test func unknownKeysWarnWithSuggestions() throws {
        let result = decode(#"{"sucess_url": "/", "enviroments": {}, "env": {"A": {"requird": true}}, "slipway": {"test": {}}, "environments": {"production": {}}}"#)
        #expect(result.appJSON != nil)
        #expect(result.diagnostics.warnings == [
            "app.json: sucess_url: unknown key; it is ignored; did you mean \"success_url\"?",
            "app.json: enviroments: unknown key; it is ignored; did you mean \"environments\"?",
            "app.json: env.A.requird: unknown key; it is ignored; did you mean \"required\"?",
            "app.json: slipway.test: unknown key; it is ignored; did you mean \"tests\"?",
            "app.json: environments.production: unknown key; only test and review environments exist",
        ])
    }

    @Test func generatorOtherThanSecretIsAnError() {
        #expect(decode(#"{"env": {"X": {"generator": "uuid"}}}"#).diagnostics.errors == [
            "app.json: env.X.generator: unsupported generator \"uuid\"; the only generator is \"secret\""
        ])
    }

    @Test func requiredDefaultsToTrue() throws {
        let app = try #require(decode(#"{"env": {"A": "x", "B": {"description": "d"}, "C": {"required": false}}}"#).appJSON)
        #expect(app.env.map(\.required) == [true, true, false])
    }

    @Test func envNamesThatCannotBeEnvironmentVariablesAreErrors() {
        let result = decode(#"{"env": {"": "x", "A=B": "y", "1ST": "z", "WITH-DASH": "w"}}"#)
        #expect(result.diagnostics.errors.count == 2)
        #expect(result.diagnostics.warnings.count == 2)
    }

    @Test func valueAndGeneratorTogetherUseTheGenerator() throws {
        let result = decode(#"{"env": {"K": {"value": "v", "generator": "secret"}}}"#)
        #expect(result.appJSON?.env.first?.value == nil)
        #expect(result.diagnostics.warnings == ["app.json: env.K: has both a value and a generator; the generated secret is used"])
    }

    @Test func topLevelMustBeAnObject() {
        #expect(decode("[]").diagnostics.errors == ["app.json: expected a JSON object at the top level, got an empty array"])
        #expect(decode("\"x\"").appJSON == nil)
    }

    @Test func formationKeysMustBeProcessTypes() {
        #expect(decode(#"{"formation": {"web server": {"quantity": 1}}}"#).diagnostics.errors == [
            "app.json: formation[\"web server\"]: invalid process type \"web server\": use letters, digits, '_' and '-'"
        ])
    }

    @Test func addonPlansAndBuildpacksAreChecked() {
        let result = decode(#"{"addons": ["", {"as": "X"}, "a:"], "buildpacks": ["heroku/ruby", {"url": ""}, {}]}"#)
        #expect(result.diagnostics.errors == [
            "app.json: addons[0]: \"\" is not an add-on plan; write \"service\" or \"service:plan\"",
            "app.json: addons[1]: an add-on object needs a \"plan\" (\"service[:plan]\")",
            "app.json: addons[2]: \"a:\" is not an add-on plan; write \"service\" or \"service:plan\"",
            "app.json: buildpacks[1].url: the URL is empty",
            "app.json: buildpacks[2]: a buildpack needs a \"url\"",
        ])
        #expect(result.diagnostics.warnings == [
            "app.json: buildpacks[0]: expected {\"url\": \"heroku/ruby\"}; the string is used as the URL"
        ])
    }

    @Test func healthcheckTypesAndNumbersAreChecked() {
        let result = decode(#"{"healthchecks": {"web": [{"type": "boot", "timeout": "5", "path": "health"}], "worker": {}}}"#)
        #expect(result.diagnostics.errors == [
            "app.json: healthchecks.web[0].type: unknown check type \"boot\"; expected startup, liveness or readiness",
            "app.json: healthchecks.web[0].timeout: expected a whole number, got \"5\"",
            "app.json: healthchecks.worker: expected an array of checks, got an empty object",
        ])
        #expect(result.diagnostics.warnings == ["app.json: healthchecks.web[0].path: a check path should start with '/'"])
    }

    @Test func scriptsOutOfPlaceWarn() {
        let result = decode(#"{"environments": {"review": {"scripts": {"test": "rspec"}}, "test": {"scripts": {"postdeploy": "x"}}}}"#)
        #expect(result.diagnostics.warnings == [
            "app.json: environments.test.scripts.postdeploy: postdeploy does not run in CI; only test-setup and test do",
            "app.json: environments.review.scripts.test: test does not run in a review app; put it under environments.test.scripts",
        ])
    }

    @Test func wholeNumbersWrittenAsDecimalsAreAcceptedButFractionsAreNot() {
        #expect(decode(#"{"formation": {"web": {"quantity": 2.0}}}"#).appJSON?.formation["web"]?.quantity == 2)
        #expect(decode(#"{"formation": {"web": {"quantity": 1.5}}}"#).diagnostics.errors == [
            "app.json: formation.web.quantity: expected a whole number, got 1.5"
        ])
        #expect(decode(#"{"formation": {"web": {"quantity": 1e400}}}"#).appJSON == nil)
    }

    @Test func oversizedFileIsRejectedBeforeParsing() {
        let bytes = [UInt8](repeating: 0x20, count: AppJSONDecoder.maximumSize + 1)
        #expect(AppJSONDecoder.decode(bytes).diagnostics.errors.first?.contains("at most") == true)
    }

    @Test func floodsOfFindingsAreCappedWithACount() {
        let keys = (0..<1000).map { "\"unknown\($0)\": 1" }.joined(separator: ", ")
        let result = decode("{\(keys)}")
        #expect(result.appJSON != nil)
        #expect(result.diagnostics.count == DiagnosticCollector.limit + 1)
        #expect(result.diagnostics.last?.description == "app.json: 800 more warnings not shown")
    }
}
