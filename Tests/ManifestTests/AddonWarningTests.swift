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

    @Test func theAddOnsConfigVarsHaveProvenanceAddon() {
        var generator = SeededGenerator(seed: 1)
        let appJSON = #"{"addons": ["heroku-postgresql", {"plan": "heroku-postgresql", "as": "ANALYTICS-DB"}, "heroku-redis", "papertrail"], "env": {"DATABASE_URL": {"value": "sqlite://"}}}"#
        let load = ManifestLoader.parse(appJSON: Array(appJSON.utf8), procfile: Array("web: serve\n".utf8))
        let report = ManifestCheck.report(for: load, options: ManifestCheckOptions(context: .review, reveal: true), generator: &generator)
        // The add-on's URL wins over app.json's value, as the deploy gives it; a second unnamed database would get
        // only its colour var.
        #expect(report.env["DATABASE_URL"] == .init(value: ManifestCheck.madeAtDeploy, source: .addon, required: true), "app.json declares it (required by default)")
        #expect(report.env["ANALYTICS_DB_URL"]?.source == .addon)
        #expect(report.env["REDIS_URL"]?.source == .addon)
        #expect(report.env.values.filter { $0.source == .addon }.count == 3)
        let masked = ManifestCheck.report(for: load, options: ManifestCheckOptions(context: .review), generator: &generator)
        #expect(masked.env["REDIS_URL"]?.value == ManifestReport.mask)
    }
}
