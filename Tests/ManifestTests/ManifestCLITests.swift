import Foundation
import SlipwayTestSupport
import Testing
@testable import Manifest

/// Runs the built `slipway` binary: `manifest check` end to end, with its exit codes.
@Suite struct ManifestCLITests {
    static func locateBinary() -> URL? { BuiltSlipway.url }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    private func run(_ arguments: [String]) throws -> Run {
        guard let binary = Self.locateBinary() else {
            throw TestSetupError(message: "the slipway binary was not found next to the test bundle (\(CommandLine.arguments[0])) or under \(TestPaths.repositoryRoot.path)/.build*/debug; build it with `swift build --scratch-path .build-manifest` first")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting so a large report cannot fill the pipe and block the child.
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func checkPrintsTheResolvedConfigAsJSONAndMasksSecrets() throws {
        let directory = try makeTemporaryDirectory(files: [
            "app.json": #"{"env": {"SECRET": {"generator": "secret"}, "TOKEN": {"required": true}, "PLAIN": "p"}, "formation": {"web": {"quantity": 2}}}"#,
            "Procfile": "web: serve\nworker: work\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run(["manifest", "check", directory.path, "--context", "review", "--var", "TOKEN=t=0k", "--override", "PLAIN=o", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["processTypes", "formation", "scripts", "env", "warnings", "errors"])
        #expect(json["processTypes"] as? [String] == ["web", "worker"])
        let formation = try #require(json["formation"] as? [String: [String: Any]])
        #expect(formation["web"]?["quantity"] as? Int == 2)
        #expect(formation["worker"]?["size"] is NSNull)
        let env = try #require(json["env"] as? [String: [String: Any]])
        #expect(env["TOKEN"]?["value"] as? String == "••••")
        #expect(env["TOKEN"]?["source"] as? String == "pipeline")
        #expect(env["SECRET"]?["value"] as? String == "••••")
        #expect(env["PLAIN"]?["value"] as? String == "o")
        #expect(!result.stdout.contains("t=0k"))

        let revealed = try run(["manifest", "check", directory.path, "--var", "TOKEN=t=0k", "--reveal", "--json"])
        #expect(revealed.status == 0)
        #expect(revealed.stdout.contains("\"t=0k\""))
    }

    @Test func invalidManifestExitsTwoAndListsErrorsInBothModes() throws {
        let directory = try makeTemporaryDirectory(files: ["app.json": "{\"env\": {\"A\": {\"required\": True}}}", "Procfile": "web serve\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = try run(["manifest", "check", directory.path, "--json"])
        #expect(json.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["errors"] as? [String] == [
            "app.json:1:28: unexpected word 'True'; did you mean true? JSON literals are lower-case",
            "Procfile:1: expected `type: command`, found \"web serve\" (no ':')",
        ])
        let text = try run(["manifest", "check", directory.path])
        #expect(text.status == 2)
        #expect(text.stdout.contains("app.json:1:28: unexpected word 'True'"))
        #expect(text.stdout.contains("Invalid: 2 errors."))
    }

    @Test func missingRequiredVarsExitTwoUntilSuppliedAndForksDropPipelineVars() throws {
        let directory = try makeTemporaryDirectory(files: ["app.json": #"{"env": {"A": {}, "B": {}}}"#])
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try run(["manifest", "check", directory.path])
        #expect(missing.status == 2)
        #expect(missing.stdout.contains("2 required config vars have no value: A, B"))
        #expect(try run(["manifest", "check", directory.path, "--var", "A=1", "--override", "B=2"]).status == 0)
        let fork = try run(["manifest", "check", directory.path, "--context", "review", "--var", "A=1", "--override", "B=2", "--fork"])
        #expect(fork.status == 2)
        #expect(fork.stdout.contains("required config var A has no value"))
    }

    @Test func usageErrorsExitTwoAndNameTheArgument() throws {
        let directory = try makeTemporaryDirectory(files: ["Procfile": "web: x\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let noEquals = try run(["manifest", "check", directory.path, "--var", "NOEQUALS"])
        #expect(noEquals.status == 2)
        #expect(noEquals.stderr.contains("--var NOEQUALS: expected KEY=VALUE"))
        let badContext = try run(["manifest", "check", directory.path, "--context", "prod"])
        #expect(badContext.status == 2)
        let noDirectory = try run(["manifest", "check", directory.appendingPathComponent("nope").path])
        #expect(noDirectory.status == 2)
        #expect(noDirectory.stderr.contains("no such directory"))
    }
}
