import Foundation
import Processes
import SlipwayTestSupport
import Testing

/// The built `slipway` next to the test bundle, when there is one.
enum SlipwayExecutable {
    static let path: String? = BuiltSlipway.url?.path
}

/// `slipway ci run` as a user runs it: the built executable, its exit codes, its JSON, and Ctrl-C.
/// Enabled when the `slipway` executable sits next to the test bundle (as after `swift build` or `swift test`).
@Suite("slipway ci run (the executable)")
struct CLITests {
    static var executable: String? { SlipwayExecutable.path }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable!)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test("exit 0 and the JSON report when everything passes")
    func passes() throws {
        let fixture = try SuiteFixture.make(files: 9)
        defer { fixture.remove() }
        let data = fixture.history.deletingLastPathComponent().path
        let outcome = try Self.run(["ci", "run", fixture.directory.path, "--workers", "3", "--json", "--data-dir", data])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        #expect(report?["status"] as? String == "passed")
        #expect((report?["files"] as? [[String: Any]])?.count == 9)
        #expect((report?["workers"] as? [[String: Any]])?.count == 3)
        #expect(report?["wallSeconds"] is Double)
        #expect(Set(report?.keys.map { $0 } ?? []) == ["status", "workers", "files", "cases", "wallSeconds"])
        #expect(FileManager.default.fileExists(atPath: data + "/timings.json"))
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.path + "/.slipway"))
    }

    @Test("exit 1 on a test failure, with a valid merged JUnit file")
    func fails() throws {
        let fixture = try SuiteFixture.make(files: 5)
        defer { fixture.remove() }
        let junit = fixture.directory.deletingLastPathComponent().appendingPathComponent("junit.xml").path
        let outcome = try Self.run(["ci", "run", fixture.directory.path, "--junit", junit, "--split", "timings"],
                                   environment: ["FIXTURE_FAIL": "tests/t004.sh"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("FAILED tests/t004.sh"))
        #expect(try PythonXML.suites(in: junit)["tests/t004.sh"] == "failed")
    }

    @Test("exit 2 for 33 workers and for a failed test-setup")
    func usageErrors() throws {
        let fixture = try SuiteFixture.make(files: 2)
        defer { fixture.remove() }
        let tooMany = try Self.run(["ci", "run", fixture.directory.path, "--workers", "33"])
        #expect(tooMany.status == 2)
        #expect(tooMany.stderr.contains("between 1 and 32"))
        let setup = try Self.run(["ci", "run", fixture.directory.path], environment: ["FIXTURE_SETUP_FAIL": "1"])
        #expect(setup.status == 2)
        #expect(setup.stderr.contains("test-setup failed on worker"))
        #expect(setup.stderr.contains("database did not start"))
    }

    @Test("Ctrl-C (SIGINT) stops the run, kills a background grandchild and exits 130")
    func interrupt() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-cli-pid-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let fixture = try SuiteFixture.make(files: 3, extra: [
            "tests/z_hangs.sh": ProcessCleanupTests.hangingTest(pidFile: pidFile),
        ])
        defer { fixture.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable!)
        process.arguments = ["ci", "run", fixture.directory.path, "--workers", "2"]
        // Run directories go next to the fixture, so they are removed with it even when slipway cannot.
        process.environment = ProcessInfo.processInfo.environment
            .merging(["TMPDIR": fixture.directory.deletingLastPathComponent().path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = try await ProcessCleanupTests.waitForPID(at: pidFile)
        #expect(ProcessTable.isAlive(pid))
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(!ProcessTable.isAlive(pid), "the background sleep \(pid) survived Ctrl-C")
    }

    @Test("even SIGKILL of slipway leaves no test process behind: the keepers kill their groups")
    func killedRunner() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-cli-pid-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let fixture = try SuiteFixture.make(files: 3, extra: [
            "tests/z_hangs.sh": ProcessCleanupTests.hangingTest(pidFile: pidFile),
        ])
        defer { fixture.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable!)
        process.arguments = ["ci", "run", fixture.directory.path, "--workers", "2"]
        // Run directories go next to the fixture, so they are removed with it even when slipway cannot.
        process.environment = ProcessInfo.processInfo.environment
            .merging(["TMPDIR": fixture.directory.deletingLastPathComponent().path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = try await ProcessCleanupTests.waitForPID(at: pidFile)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let deadline = ContinuousClock.now + .seconds(5)
        while ProcessTable.isAlive(pid) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!ProcessTable.isAlive(pid), "the background sleep \(pid) outlived a SIGKILLed slipway")
    }
}
