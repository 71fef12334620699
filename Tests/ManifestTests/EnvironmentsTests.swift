import Testing
@testable import Manifest

/// `environments.test` / `environments.review` replace base keys whole, as Heroku does: no deep merge.
@Suite struct EnvironmentsTests {
    static let text = #"""
    {
      "env": {"BASE_ONLY": "b", "SHARED": "base"},
      "scripts": {"postdeploy": "seed", "test": "base-test"},
      "formation": {"web": {"quantity": 2}},
      "addons": ["heroku-postgresql"],
      "buildpacks": [{"url": "heroku/ruby"}],
      "environments": {
        "test": {"env": {"SHARED": "test"}, "scripts": {"test-setup": "setup", "test": "rspec"}, "formation": {"test": {"quantity": 4}}},
        "review": {"env": {"REVIEW_ONLY": "r"}, "addons": []}
      }
    }
    """#

    @Test func testEnvironmentReplacesWholeKeys() throws {
        let app = try #require(decode(Self.text).appJSON)
        let test = app.effective(for: .test)
        #expect(test.env == [EnvVarSpec(name: "SHARED", value: "test")])  // BASE_ONLY is gone: no merge
        #expect(test.scripts.entries.map(\.name) == ["test-setup", "test"])  // postdeploy is gone
        #expect(test.formation.entries == [FormationDeclaration(processType: "test", quantity: 4)])
        #expect(test.addons == app.addons)  // not set in environments.test: the base value
        #expect(test.buildpacks == app.buildpacks)
        #expect(test.testEnvironment == nil && test.reviewEnvironment == nil)
    }

    @Test func reviewEnvironmentReplacesWholeKeysIncludingWithEmptyValues() throws {
        let app = try #require(decode(Self.text).appJSON)
        let review = app.effective(for: .review)
        #expect(review.env == [EnvVarSpec(name: "REVIEW_ONLY", value: "r")])
        #expect(review.addons.isEmpty)  // an empty array replaces too
        #expect(review.scripts == app.scripts)
        #expect(review.formation == app.formation)
    }

    @Test func appContextIsTheBase() throws {
        let app = try #require(decode(Self.text).appJSON)
        let base = app.effective(for: .app)
        #expect(base.env.map(\.name) == ["BASE_ONLY", "SHARED"])
        #expect(base.effective(for: .test) == base)  // environments are dropped once applied
    }

    @Test func ciViewCollectsWhatTheTestRunnerNeeds() throws {
        var app = try #require(decode(Self.text).appJSON)
        app.slipway.tests = TestSettings(files: ["spec/**/*_spec.rb"], split: .queue, retries: 1, junit: "tmp/junit/*.xml")
        let view = app.ciView
        #expect(view.testSetup == "setup")
        #expect(view.test == "rspec")
        #expect(view.workerCount == 4)
        #expect(view.env.map(\.name) == ["SHARED"])
        #expect(view.tests.split == .queue)
        #expect(app.testWorkerCount == 4)
    }

    @Test func resolutionUsesTheContextsEnv() throws {
        let app = try #require(decode(Self.text).appJSON)
        let resolved = ConfigResolver.resolve(app, input: ConfigResolutionInput(context: .test))
        #expect(resolved.environment == ["SHARED": "test"])
    }

    @Test func workerCountDefaultsToOne() {
        #expect(AppJSON().testWorkerCount == 1)
        #expect(AppJSON().ciView.test == nil)
    }
}
