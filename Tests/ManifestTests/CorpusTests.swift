import Foundation
import Testing
@testable import Manifest

/// Every real app.json in the shared corpus: accepted (maybe with warnings) or rejected with a message that
/// names the place.
@Suite struct CorpusTests {
    /// Files Slipway rejects, and a piece of the message each must carry.
    static let rejected: [String: String] = [
        "004": "app.json:21:2: unexpected end of the file; expected ',' or '}' — the object opened at line 1, column 1 is never closed; perhaps a '}' is missing before \"environments\" at line 13, column 3",
        "015": "app.json: env.WEB_CONCURRENCY.generator: unsupported generator \"echo 5\"; the only generator is \"secret\"",
        "039": "app.json:16:16: unexpected word 'True'; did you mean true? JSON literals are lower-case",
        "043": "app.json:7:7: expected ',' or '}' after a member, found '\"' (is a comma missing at the end of the previous line?)",
        "051": "app.json: keywords: expected an array of strings, got \"supposed, to, be, an, array\"",
    ]

    static let files: [String] = (try? TestPaths.corpusFiles().map(\.lastPathComponent)) ?? []

    @Test func theCorpusIsThere() throws {
        #expect(Self.files.count == 51, "expected 51 files in \(TestPaths.corpus.path)")
    }

    @Test(arguments: files)
    func everyFileIsAcceptedOrRejectedWithAMessageNamingThePlace(name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: TestPaths.corpus.appendingPathComponent(name)))
        let result = AppJSONDecoder.decode(bytes)
        let prefix = String(name.prefix(3))
        if let message = Self.rejected[prefix] {
            #expect(result.appJSON == nil)
            #expect(result.diagnostics.errors.contains { $0.hasPrefix(message) }, "\(name): \(result.diagnostics.errors)")
        } else {
            #expect(result.appJSON != nil, "\(name) should be accepted: \(result.diagnostics.errors)")
            #expect(result.diagnostics.errors.isEmpty)
        }
        // Every message names its file and a place.
        for diagnostic in result.diagnostics {
            #expect(diagnostic.description.hasPrefix("app.json"))
            #expect(diagnostic.location != .none)
        }
        // The whole pipeline (Procfile-less load, check for every context) runs on it without trouble.
        for context in ManifestContext.allCases {
            var generator = SeededGenerator(seed: 7)
            let report = ManifestCheck.report(
                for: ManifestLoader.parse(appJSON: bytes, procfile: Array("web: run\n".utf8)),
                options: ManifestCheckOptions(context: context), generator: &generator)
            #expect(report.isValid == false || Self.rejected[prefix] == nil)
        }
    }

    private func warnings(_ prefix: String) throws -> [String] {
        AppJSONDecoder.decode(try TestPaths.corpusBytes(prefix)).diagnostics.warnings
    }

    private func app(_ prefix: String) throws -> AppJSON {
        let result = AppJSONDecoder.decode(try TestPaths.corpusBytes(prefix))
        guard let app = result.appJSON else { throw TestSetupError(message: "\(prefix) rejected: \(result.diagnostics)") }
        return app
    }

    @Test func duplicateStackKeysWarnAndTheLastWins() throws {
        #expect(try warnings("010").contains("app.json: stack: key written twice (again at line 61, column 3); the last value is used"))
        #expect(try app("038").stack == "heroku-24")
        #expect(try warnings("038").contains { $0.hasPrefix("app.json: stack: key written twice") })
    }

    @Test func formationWrittenAsAnArrayIsReadWithAWarning() throws {
        let app = try app("037")
        #expect(app.formation.entries == [
            FormationDeclaration(processType: "worker", quantity: 1, size: "standard-1x"),
            FormationDeclaration(processType: "web", quantity: 0),
        ])
        #expect(try warnings("037").contains { $0.hasPrefix("app.json: formation: expected an object keyed by process type, got an array") })
    }

    @Test func lowerCaseEnvKeysWarn() throws {
        let warnings = try warnings("041")
        #expect(warnings.contains { $0.hasPrefix("app.json: env.sw_api: config var names are conventionally upper-case") })
        #expect(warnings.contains { $0.hasPrefix("app.json: env.No_LOAD: config var names are conventionally upper-case") })
        #expect(try app("041").envVar(named: "sw_api")?.required == true)
    }

    @Test func misspelledTestSetupSuggestsTheRightName() throws {
        #expect(try warnings("045") == [
            "app.json: environments.test.scripts.test-steup: unknown script; it never runs; did you mean \"test-setup\"?"
        ])
        let ci = try app("045").ciView
        #expect(ci.test == "rails test:system")
        #expect(ci.testSetup == nil)
    }

    @Test func validatorFixtures() throws {
        // 050 is "valid" in the validator library: the legacy `default` holding a number is read as the value.
        let valid = try app("050")
        #expect(valid.envVar(named: "WEB_CONCURRENCY")?.value == "5")
        #expect(valid.envVar(named: "SITE_NAME")?.value == "Appy Scrappy")
        #expect(valid.envVar(named: "SESSION_SECRET")?.generator == .secret)
        #expect(valid.addons.map(\.service) == ["openredis", "mongolab"])
        let validWarnings = try warnings("050")
        #expect(validWarnings.contains { $0.contains("env.WEB_CONCURRENCY.default: \"default\" is the old name of \"value\"") })
        #expect(validWarnings.contains { $0.contains("env.WEB_CONCURRENCY.default: 5 is not a string; it is used as the text \"5\"") })
        // 051 is the library's invalid fixture: the keywords type is an error, the partial URLs are warnings.
        let invalid = AppJSONDecoder.decode(try TestPaths.corpusBytes("051")).diagnostics
        #expect(invalid.errors == ["app.json: keywords: expected an array of strings, got \"supposed, to, be, an, array\""])
        #expect(invalid.warnings.contains("app.json: website: \"partially.qualified-url.com\" is not a full URL (https://…)"))
        #expect(invalid.warnings.contains("app.json: repository: \"github.com/jane-user/zapp.git\" is not a full URL (https://…)"))
    }

    @Test func herokuCIFilesGiveTheTestRunnerItsView() throws {
        let ci = try app("046").ciView
        #expect(ci.testSetup == "ci/test-setup.sh")
        #expect(ci.test == "ci/test-run.sh")
        #expect(ci.workerCount == 1)
        // 049 declares the test formation at the top level; with no environments.test.formation it applies.
        #expect(try app("049").testWorkerCount == 16)
        let webhookdb = try app("033").ciView
        #expect(webhookdb.testSetup != nil && webhookdb.test != nil)
        #expect(!webhookdb.env.isEmpty)
    }

    @Test func dokkuFilesKeepHealthchecksAndScripts() throws {
        let checks = try app("036").healthchecks["web"] ?? []
        #expect(checks.map(\.type) == [.startup, .startup, .readiness, .liveness])
        #expect(checks[0].path == "/health/ready" && checks[0].attempts == 3)
        #expect(checks[2].command == ["/app/script.sh"] && checks[2].initialDelay == 10)
        let python = try app("014")
        #expect(python.scripts.dokkuPredeploy != nil && python.scripts.dokkuPostdeploy != nil)
        #expect(try warnings("035").contains("app.json: cron: Dokku cron tasks are not run by Slipway; they are ignored"))
    }

    @Test func reviewEnvironmentOnlyFile() throws {
        let app = try app("028")
        #expect(app.name == nil)
        let review = app.effective(for: .review)
        #expect(review.scripts.postdeploy?.command == "bundle exec rails heroku:review:setup")
        #expect(review.scripts.prPredestroy?.command == "bundle exec rails heroku:review:destroy")
        #expect(review.addons.first?.options?["version"] == .string("14"))
        #expect(app.effective(for: .app).scripts.isEmpty)
    }

    @Test func inDynoPlansOutsideCIWarn() throws {
        #expect(try warnings("044").contains { $0.contains("addons[0]: in-dyno plans exist only for CI") })
    }

    @Test func crlfFileIsRead() throws {
        #expect(try app("047").ciView.test != nil)
    }
}
