import Foundation
import Testing
@testable import Manifest

@Suite struct ManifestLoaderTests {
    @Test func loadsBothFilesFromADirectory() throws {
        let directory = try makeTemporaryDirectory(files: [
            "app.json": #"{"formation": {"web": {"quantity": 1}, "clock": {"quantity": 1}}, "healthchecks": {"api": []}}"#,
            "Procfile": "web: serve\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = ManifestLoader.load(directory: directory)
        #expect(result.isValid)
        #expect(result.procfile?.processTypes == ["web"])
        #expect(result.appJSON?.formation.entries.count == 2)
        #expect(result.warnings.map(\.description) == [
            "app.json: formation.clock: the Procfile has no process type \"clock\"",
            "app.json: healthchecks.api: the Procfile has no process type \"api\"",
        ])
    }

    @Test func eitherFileAloneIsFineAndReported() throws {
        let onlyAppJSON = try makeTemporaryDirectory(files: ["app.json": "{}"])
        let onlyProcfile = try makeTemporaryDirectory(files: ["Procfile": "web: x"])
        let neither = try makeTemporaryDirectory(files: [:])
        defer { for url in [onlyAppJSON, onlyProcfile, neither] { try? FileManager.default.removeItem(at: url) } }

        let appJSONResult = ManifestLoader.load(directory: onlyAppJSON)
        #expect(appJSONResult.isValid && appJSONResult.procfile == nil && !appJSONResult.hasProcfileFile)
        #expect(appJSONResult.warnings.map(\.description) == ["Procfile: not found; the app has no process types to run (fine for CI-only or Docker apps)"])

        let procfileResult = ManifestLoader.load(directory: onlyProcfile)
        #expect(procfileResult.isValid && procfileResult.appJSON == nil)
        #expect(procfileResult.appJSONOrDefaults == AppJSON())

        let neitherResult = ManifestLoader.load(directory: neither)
        #expect(neitherResult.errors.map(\.description) == ["app.json: neither app.json nor Procfile found in \(neither.path)"])
    }

    @Test func aDirectoryNamedAppJSONIsAnError() throws {
        let directory = try makeTemporaryDirectory(files: ["Procfile": "web: x"])
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("app.json"), withIntermediateDirectories: false)
        let result = ManifestLoader.load(directory: directory)
        #expect(result.errors.map(\.description) == ["app.json: is a directory, not a file"])
        #expect(!result.warnings.contains { $0.message.hasPrefix("not found") })
    }

    @Test func errorsFromBothFilesAreCollectedTogether() {
        let result = ManifestLoader.parse(appJSON: Array(#"{"env": {"A": {"required": "yes"}}}"#.utf8), procfile: Array("web\n".utf8))
        #expect(result.errors.map(\.description) == [
            "app.json: env.A.required: expected a boolean, got \"yes\"",
            "Procfile:1: expected `type: command`, found \"web\" (no ':')",
        ])
    }
}
