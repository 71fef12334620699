import Foundation
import Sharding
@testable import TestRunner

/// A copy of `fixtures/apps/shard-suite` in a temporary directory, with as many test files as a test needs,
/// and a log outside the workspace where the suite's runner records every file it runs.
struct SuiteFixture {
    let directory: URL
    let log: URL
    let history: URL
    let files: [String]

    static let source = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/apps/shard-suite")

    /// `count` test files `tests/tNNN.sh`, each sleeping a few milliseconds; `extra` adds or replaces files.
    static func make(files count: Int, extra: [String: String] = [:]) throws -> SuiteFixture {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-fixture-\(UUID().uuidString)")
        let app = base.appendingPathComponent("app")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: app)
        let tests = app.appendingPathComponent("tests")
        try FileManager.default.removeItem(at: tests)
        try FileManager.default.createDirectory(at: tests, withIntermediateDirectories: true)
        var names: [String] = []
        for index in stride(from: 1, through: count, by: 1) {
            let name = String(format: "tests/t%03d.sh", index)
            let body = "sleep 0.00\(index % 4 + 1)\n[ \"$SUITE_GREETING\" = \"hello from app.json\" ]\n"
            try body.write(to: app.appendingPathComponent(name), atomically: true, encoding: .utf8)
            names.append(name)
        }
        for (name, body) in extra {
            let url = app.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try body.write(to: url, atomically: true, encoding: .utf8)
            if name.hasPrefix("tests/") && name.hasSuffix(".sh") && !names.contains(name) { names.append(name) }
        }
        return SuiteFixture(directory: app, log: base.appendingPathComponent("runs.log"),
                            history: base.appendingPathComponent("data/timings.json"), files: names.sorted())
    }

    /// The suite's configuration, read from its app.json through Manifest, with overrides.
    func configuration(workers: Int, split: SplitMode, retries: Int = 0) throws -> TestSuiteConfiguration {
        var configuration = try TestSuiteConfiguration.load(appDirectory: directory).configuration
        configuration.workers = workers
        configuration.split = split
        configuration.retries = retries
        return configuration
    }

    func options(failFast: Bool = false, timeout: Duration? = nil, fixture: [String: String] = [:],
                 strategy: WorkspaceStrategy = .automatic) -> RunOptions {
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "FIXTURE_LOG": log.path]
        for (key, value) in fixture { environment[key] = value }
        return RunOptions(historyFile: history, failFast: failFast, timeout: timeout,
                          scratchDirectory: directory.deletingLastPathComponent(),
                          terminationGrace: .milliseconds(300), baseEnvironment: environment,
                          workspaceStrategy: strategy)
    }

    func run(workers: Int, split: SplitMode, retries: Int = 0, failFast: Bool = false,
             fixture: [String: String] = [:], strategy: WorkspaceStrategy = .automatic) async throws -> TestRunResult {
        let configuration = try configuration(workers: workers, split: split, retries: retries)
        return try await TestSuiteRun(appDirectory: directory, configuration: configuration,
                                 options: options(failFast: failFast, fixture: fixture, strategy: strategy)).run()
    }

    struct LogLine: Hashable {
        var file: String
        var attempt: Int
        var worker: Int
    }

    /// Every file run the suite recorded.
    func logLines() -> [LogLine] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let attempt = Int(parts[1]), let worker = Int(parts[2]) else { return nil }
            return LogLine(file: String(parts[0]), attempt: attempt, worker: worker)
        }
    }

    /// How many times each (file, attempt) ran.
    func runCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in logLines() { counts["\(line.file)#\(line.attempt)", default: 0] += 1 }
        return counts
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }
}
