import Foundation
import Testing
@testable import Manifest

@Suite struct ManifestReportTests {
    static let appJSON = #"""
    {
      "env": {"SECRET": {"generator": "secret"}, "PLAIN": "p", "TOKEN": {"description": "API token"}, "OPT": {"required": false}},
      "formation": {"worker": {"quantity": 2, "size": "basic"}},
      "scripts": {"postdeploy": "rake seed", "dokku": {"predeploy": "migrate"}},
      "environments": {"test": {"scripts": {"test": "rspec"}, "formation": {"test": {"quantity": 3}}}}
    }
    """#

    private func report(_ options: ManifestCheckOptions, procfile: String? = "web: serve\nworker: work\n", appJSON: String? = appJSON) -> ManifestReport {
        var generator = SeededGenerator(seed: 3)
        let load = ManifestLoader.parse(appJSON: appJSON.map { Array($0.utf8) }, procfile: procfile.map { Array($0.utf8) })
        return ManifestCheck.report(for: load, options: options, generator: &generator)
    }

    private func encode(_ report: ManifestReport) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(report)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func jsonHasExactlyThePromisedShape() throws {
        let json = try encode(report(ManifestCheckOptions(context: .review, pipelineVars: ["TOKEN": "t0k"], overrides: ["PLAIN": "o"])))
        #expect(Set(json.keys) == ["processTypes", "formation", "scripts", "env", "warnings", "errors"])
        #expect(json["processTypes"] as? [String] == ["web", "worker"])

        let formation = try #require(json["formation"] as? [String: [String: Any]])
        #expect(formation["web"]?["quantity"] as? Int == 1)
        #expect(formation["web"]?["size"] is NSNull)  // present and null, not omitted
        #expect(formation["worker"]?["quantity"] as? Int == 2)
        #expect(formation["worker"]?["size"] as? String == "basic")
        #expect(Set(formation["web"]?.keys ?? [:].keys) == ["quantity", "size"])

        #expect(json["scripts"] as? [String: String] == ["postdeploy": "rake seed", "dokku.predeploy": "migrate"])

        let env = try #require(json["env"] as? [String: [String: Any]])
        #expect(Set(env.keys) == ["SECRET", "PLAIN", "TOKEN"])
        #expect(env["SECRET"]?["value"] as? String == "••••")
        #expect(env["SECRET"]?["source"] as? String == "generated")
        #expect(env["SECRET"]?["required"] as? Bool == true)
        #expect(env["TOKEN"]?["value"] as? String == "••••")
        #expect(env["TOKEN"]?["source"] as? String == "pipeline")
        #expect(env["PLAIN"]?["value"] as? String == "o")
        #expect(env["PLAIN"]?["source"] as? String == "override")
        #expect(Set(env["PLAIN"]?.keys ?? [:].keys) == ["value", "source", "required"])
        #expect(json["warnings"] as? [String] == [])
        #expect(json["errors"] as? [String] == [])
    }

    @Test func revealShowsSecretsAndPipelineValues() {
        let revealed = report(ManifestCheckOptions(context: .app, pipelineVars: ["TOKEN": "t0k"], reveal: true))
        #expect(revealed.env["TOKEN"]?.value == "t0k")
        #expect(revealed.env["SECRET"].map { SecretGenerator.isWellFormed($0.value) } == true)
    }

    @Test func missingRequiredKeysMakeTheReportInvalidWithOneError() {
        let invalid = report(ManifestCheckOptions(context: .app))
        #expect(!invalid.isValid)
        #expect(invalid.errors == ["config: required config var TOKEN has no value; set it in the pipeline's config vars or as an override"])
    }

    @Test func forkContextDropsPipelineVarsAndSaysSo() {
        let fork = report(ManifestCheckOptions(context: .review, pipelineVars: ["TOKEN": "t0k"], isFork: true))
        #expect(fork.env["TOKEN"] == nil)
        #expect(fork.warnings.contains("config: pull request from a fork: pipeline vars withheld (TOKEN)"))
        #expect(fork.errors.count == 1)
    }

    @Test func testContextShowsTheWorkerFormationAndCIScripts() {
        let test = report(ManifestCheckOptions(context: .test, pipelineVars: ["TOKEN": "x"], injected: InjectedVariables.testRun()))
        #expect(test.formation == ["test": .init(quantity: 3, size: nil)])  // environments.test.formation replaces the base
        #expect(test.scripts == ["test": "rspec"])
        #expect(test.env["CI"] == .init(value: "true", source: .injected, required: false))
    }

    @Test func invalidFilesReportErrorsAndNoResolution() {
        let broken = report(ManifestCheckOptions(), appJSON: "{\"env\": {\"A\": True}}")
        #expect(broken.errors == ["app.json:1:15: unexpected word 'True'; did you mean true? JSON literals are lower-case"])
        #expect(broken.env.isEmpty)
        #expect(broken.processTypes == ["web", "worker"])
    }

    @Test func procfileOnlyAppGetsDefaults() throws {
        let procfileOnly = report(ManifestCheckOptions(), procfile: "web: serve\nworker: work\n", appJSON: nil)
        #expect(procfileOnly.isValid)
        #expect(procfileOnly.formation == ["web": .init(quantity: 1, size: nil), "worker": .init(quantity: 0, size: nil)])
        #expect(procfileOnly.warnings == ["app.json: not found; using defaults (no config vars, one web dyno)"])
    }

    @Test func textReportListsEverything() {
        let text = report(ManifestCheckOptions(context: .review, pipelineVars: ["TOKEN": "t0k"])).renderText(directory: "apps/demo")
        #expect(text.contains("Manifest in apps/demo (context: review)"))
        #expect(text.contains("Process types: web, worker"))
        #expect(text.contains("worker  2  size basic"))
        #expect(text.contains("postdeploy       rake seed"))
        #expect(text.contains("from pipeline   required"))
        #expect(!text.contains("t0k"))
        #expect(text.hasSuffix("Valid.\n"))
        let invalid = report(ManifestCheckOptions()).renderText(directory: ".")
        #expect(invalid.contains("Errors (1):\n  - config: required config var TOKEN has no value"))
        #expect(invalid.hasSuffix("Invalid: 1 error.\n"))
    }
}
