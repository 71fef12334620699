import Foundation
import Sharding
import Testing
@testable import TestRunner

/// What a batch's exit status means next to its reports, with real pytest and with runners that crash.
@Suite("Exit statuses and reports")
struct ExitStatusTests {
    /// The Python interpreter on the test process's PATH that has pytest; a missing pytest fails the test
    /// (`ci/setup --tests` installs it).
    static func pythonWithPytest() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys, pytest; print(sys.executable)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(process.terminationStatus == 0, "pytest is not installed (run ci/setup --tests): \(text)")
        return text
    }

    static let pytestFiles = [
        "tests/test_login.py": """
            import pytest
            def test_accepts():
                assert 1 + 1 == 2
            def test_refuses():
                assert "a" != "b"
            @pytest.mark.skip(reason="needs a browser")
            def test_browser():
                pass
            """,
        // The optional-dependency case: pytest skips the whole module at import; alone, it exits 5.
        "tests/test_optional_numpy.py": """
            import pytest
            pytest.importorskip("slipway_test_module_that_is_not_installed")
            def test_matrix():
                pass
            """,
        "tests/test_optional_yaml.py": """
            import pytest
            yaml = pytest.importorskip("slipway_test_yaml_that_is_not_installed")
            def test_load():
                pass
            """,
        "tests/test_windows.py": """
            import pytest
            @pytest.mark.skip(reason="windows only")
            def test_registry():
                pass
            @pytest.mark.skip(reason="windows only")
            def test_paths():
                pass
            """,
    ]

    /// A fixture app whose test command is real pytest writing JUnit XML into SLIPWAY_REPORTS_DIR.
    static func pytestFixture(python: String, patterns: [String] = ["tests/test_*.py"]) throws -> SuiteFixture {
        let globs = patterns.map { "\"\($0)\"" }.joined(separator: ", ")
        var extra = pytestFiles
        extra["pytest.ini"] = "[pytest]\naddopts = -p no:cacheprovider\n"
        extra["app.json"] = """
            {"name": "pytest-suite", "environments": {"test": {"scripts": {
              "test": "\(python) -m pytest -q --junitxml=\\"$SLIPWAY_REPORTS_DIR/junit.xml\\" {files}"}}},
             "slipway": {"tests": {"files": [\(globs)]}}}
            """
        return try SuiteFixture.make(files: 0, extra: extra)
    }

    /// Plain pytest's own counts for the fixture (`2 passed, 5 skipped in 0.1s`).
    static func plainPytestCounts(python: String, in directory: URL) throws -> RunReport.CaseCounts {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "pytest", "-q", "tests"]
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        var counts = RunReport.CaseCounts()
        for match in text.matches(of: /(\d+) (passed|failed|skipped)/) {
            switch match.2 {
            case "passed": counts.passed = Int(match.1)!
            case "failed": counts.failed = Int(match.1)!
            default: counts.skipped = Int(match.1)!
            }
        }
        return counts
    }

    @Test("all-skipped files are skipped, pass the gate, and the case counts equal plain pytest's",
          arguments: [SplitMode.queue, .timings, .env])
    func allSkippedFiles(split: SplitMode) async throws {
        let python = try Self.pythonWithPytest()
        let fixture = try Self.pytestFixture(python: python)
        defer { fixture.remove() }
        var configuration = try fixture.configuration(workers: 2, split: split)
        if split == .env {
            // A suite splitting itself: every shard runs its half of the files.
            configuration.testCommand = "\(python) -m pytest -q --junitxml=\"$SLIPWAY_REPORTS_DIR/junit.xml\" "
                + "$(ls tests/test_*.py | awk -v n=\"$CI_NODE_TOTAL\" -v i=\"$CI_NODE_INDEX\" '(NR - 1) % n == i')"
        }
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration,
                                       options: fixture.options()).run()
        #expect(result.status == .passed, "\(result.files.map { "\($0.path) \($0.status) \($0.failure ?? "")" })")
        let status = Dictionary(uniqueKeysWithValues: result.files.map { ($0.path, $0.status) })
        #expect(status == ["tests/test_login.py": .passed, "tests/test_optional_numpy.py": .skipped,
                           "tests/test_optional_yaml.py": .skipped, "tests/test_windows.py": .skipped])
        let plain = try Self.plainPytestCounts(python: python, in: fixture.directory)
        #expect(plain == RunReport.CaseCounts(passed: 2, failed: 0, skipped: 5))
        #expect(result.cases == plain)
        #expect(result.report.cases == plain)
    }

    @Test("a batch of only modules skipped at import: pytest exits 5, and the batch passes")
    func exitFiveBatch() async throws {
        let python = try Self.pythonWithPytest()
        let fixture = try Self.pytestFixture(python: python, patterns: ["tests/test_optional_*.py"])
        defer { fixture.remove() }
        // One worker, timings split: both files in one pytest process, which collects nothing.
        let configuration = try fixture.configuration(workers: 1, split: .timings)
        var options = fixture.options()
        options.keepRunDirectory = true
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration,
                                       options: options).run()
        #expect(result.status == .passed)
        #expect(result.files.map(\.status) == [.skipped, .skipped])
        #expect(result.cases == RunReport.CaseCounts(passed: 0, failed: 0, skipped: 2))
        // It really was pytest's exit status 5.
        let log = try String(contentsOfFile: result.runDirectory + "/worker-0/logs/batch-1.log", encoding: .utf8)
        #expect(log.contains("2 skipped"))
        let exitCode = try Self.exitStatus(python: python, arguments: ["-m", "pytest", "-q", "tests/test_optional_numpy.py",
                                                                        "tests/test_optional_yaml.py"],
                                           in: fixture.directory)
        #expect(exitCode == 5)
    }

    static func exitStatus(python: String, arguments: [String], in directory: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A runner that writes a complete JUnit report of passing cases for its files, then ends as `ending` says.
    static func crashingRunner(ending: String, reportFirst: Bool) -> String {
        """
        cases=""
        for f in "$@"; do cases="$cases<testcase classname=\\"suite\\" name=\\"$f\\" file=\\"$f\\" time=\\"0.01\\"/>"; done
        \(reportFirst ? "echo \"<testsuites><testsuite name=\\\"s\\\">$cases</testsuite></testsuites>\" > \"$SLIPWAY_REPORTS_DIR/r.xml\"" : ":")
        \(ending)
        """
    }

    /// `sh -c` may run the runner as a child (a signal then shows as exit status 128 + N) or exec it.
    @Test("a crash after a complete, clean report fails the files", arguments: [
        ("kill -SEGV $$", ["signal 11", "exit status 139"]), ("exit 1", ["exit status 1"]), ("exit 3", ["exit status 3"]),
        // pytest exits 5 only when no test ran: a 5 after passing cases is a crash, not "nothing to run".
        ("exit 5", ["exit status 5"]),
    ])
    func crashAfterReport(ending: String, summaries: [String]) async throws {
        let fixture = try SuiteFixture.make(files: 6, extra: [
            "bin/run-tests": Self.crashingRunner(ending: ending, reportFirst: true),
        ])
        defer { fixture.remove() }
        for split in [SplitMode.queue, .timings] {
            let result = try await fixture.run(workers: 2, split: split)
            #expect(result.status == .failed)
            #expect(result.files.count == 6)
            #expect(result.files.allSatisfy { file in
                file.status == .failed && summaries.contains { (file.failure ?? "").contains($0) }
            },
                    "\(split): \(result.files.map { "\($0.path) \($0.status) \($0.failure ?? "")" })")
        }
    }

    @Test("a crash before any report fails the files")
    func crashBeforeReport() async throws {
        let fixture = try SuiteFixture.make(files: 6, extra: [
            "bin/run-tests": Self.crashingRunner(ending: "kill -KILL $$", reportFirst: false),
        ])
        defer { fixture.remove() }
        for split in [SplitMode.queue, .timings] {
            let result = try await fixture.run(workers: 2, split: split)
            #expect(result.status == .failed)
            #expect(result.files.count == 6)
            #expect(result.files.allSatisfy { file in
                let failure = file.failure ?? ""
                return file.status == .failed && (failure.contains("signal 9") || failure.contains("exit status 137"))
            })
        }
    }
}
