import Foundation
import Testing

/// Helpers for tests that need real repositories: the sample fixture, the git program as an oracle.
enum Fixture {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A fresh scratch directory, removed at the end of the process by the OS's /tmp cleaning only;
    /// tests call `cleanup` themselves.
    static func scratchDirectory(_ label: String = "gitkit") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("slipway-\(label)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Builds the sample repository (fixtures/git/make-sample-repo) in a new scratch directory.
    static func sampleRepository() throws -> URL {
        let destination = scratchDirectory("sample")
        let script = repositoryRoot.appendingPathComponent("fixtures/git/make-sample-repo").path
        let result = try run([script, destination.path])
        try #require(result.status == 0, "make-sample-repo failed: \(result.output)")
        return destination
    }

    struct ProcessResult {
        var status: Int32
        var output: String
    }

    /// Runs a program and collects stdout+stderr (the git program is only an oracle in tests).
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// `git -C repo args…`, trimmed stdout; fails the test on a non-zero exit.
    static func git(_ repo: URL, _ arguments: String...) throws -> String {
        let result = try run(["git", "-C", repo.path] + arguments)
        try #require(result.status == 0, "git \(arguments.joined(separator: " ")) failed: \(result.output)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func cleanup(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }
}
