import Testing
@testable import Manifest

/// `manifest check` names every add-on Slipway does not run, in the context's effective `addons`.
@Suite struct AddonWarningTests {
    private func warnings(_ appJSON: String, context: ManifestContext) -> [String] {
        var generator = SeededGenerator(seed: 1)
        let load = ManifestLoader.parse(appJSON: Array(appJSON.utf8), procfile: Array("web: serve\n".utf8))
        return ManifestCheck.report(for: load, options: ManifestCheckOptions(context: context), generator: &generator).warnings
    }

    @Test func unknownAddOnsAreWarnedAboutAndKnownOnesAreNot() {
        // Heroku's Rails getting-started app declares exactly these.
        let found = warnings(#"{"addons": ["heroku-postgresql", "websolr", "heroku-redis:mini"]}"#, context: .review)
        #expect(found == [#"app.json: add-on "websolr" is not provided by Slipway (it runs heroku-postgresql and heroku-redis itself); the app is deployed without it, so set the config vars it would give by hand"#])
    }

    @Test func theContextsAddOnsAreTheOnesChecked() {
        let appJSON = #"{"addons": ["papertrail"], "environments": {"test": {"addons": ["heroku-postgresql:in-dyno"]}}}"#
        #expect(warnings(appJSON, context: .test).isEmpty)
        #expect(warnings(appJSON, context: .app).count == 1)
    }
}
