import Foundation
import Processes
import Sharding
import Testing
@testable import TestRunner

/// Fail-fast, timeouts and cancellation must leave no process behind, including grandchildren a test
/// started in the background.
@Suite("Stopping a run leaves no process behind")
struct ProcessCleanupTests {
    /// A test file that starts a long `sleep` in the background, records its pid outside the workspace and waits.
    static func hangingTest(pidFile: String) -> String {
        "sleep 300 &\necho $! > \(pidFile)\nwait\n"
    }

    static func waitForPID(at path: String, timeout: Duration = .seconds(20)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CancellationError()
    }

    @Test("--fail-fast stops every worker and kills a background grandchild", arguments: SplitMode.allCases)
    func failFast(split: SplitMode) async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-pid-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        // The failing file waits until the hanging one is running, so the stop has something to kill.
        let fixture = try SuiteFixture.make(files: 0, extra: [
            "tests/a_hangs.sh": Self.hangingTest(pidFile: pidFile),
            "tests/b_fails.sh": "while [ ! -s \(pidFile) ]; do sleep 0.01; done\nexit 1\n",
            "tests/c_never.sh": "true\n",
        ])
        defer { fixture.remove() }
        let started = ContinuousClock.now
        var configuration = try fixture.configuration(workers: 2, split: split)
        configuration.split = split
        let run = TestSuiteRun(appDirectory: fixture.directory, configuration: configuration,
                          options: fixture.options(failFast: true))
        let result = try await run.run()
        let pid = try await Self.waitForPID(at: pidFile, timeout: .seconds(1))

        #expect(result.status == .failed)
        #expect(result.stopReason?.contains("fail-fast") == true)
        #expect(result.files.first { $0.path == "tests/b_fails.sh" }?.status == .failed)
        #expect(!ProcessTable.isAlive(pid), "the background sleep \(pid) survived --fail-fast")
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test("cancelling the run (Ctrl-C) kills every process and throws .cancelled", arguments: SplitMode.allCases)
    func cancellation(split: SplitMode) async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-pid-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let fixture = try SuiteFixture.make(files: 5, extra: ["tests/z_hangs.sh": Self.hangingTest(pidFile: pidFile)])
        defer { fixture.remove() }
        let configuration = try fixture.configuration(workers: 3, split: split)
        let run = TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: fixture.options())
        let task = Task { () async throws(TestRunError) -> TestRunResult in try await run.run() }
        let pid = try await Self.waitForPID(at: pidFile)
        #expect(ProcessTable.isAlive(pid))
        task.cancel()
        let outcome = await task.result
        guard case .failure(let error) = outcome else {
            Issue.record("a cancelled run must throw")
            return
        }
        #expect((error as? TestRunError)?.kind == .cancelled)
        #expect(!ProcessTable.isAlive(pid), "the background sleep \(pid) survived cancellation")
    }

    @Test("a timeout fails the files in flight and kills them")
    func timeout() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-pid-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let fixture = try SuiteFixture.make(files: 2, extra: ["tests/z_hangs.sh": Self.hangingTest(pidFile: pidFile)])
        defer { fixture.remove() }
        let configuration = try fixture.configuration(workers: 2, split: .queue)
        // Generous, so that even on a loaded machine the hanging file has started when time runs out.
        let run = TestSuiteRun(appDirectory: fixture.directory, configuration: configuration,
                          options: fixture.options(timeout: .seconds(8)))
        let task = Task { () async throws(TestRunError) -> TestRunResult in try await run.run() }
        let pid = try await Self.waitForPID(at: pidFile)
        let result = try await task.value
        #expect(result.status == .failed)
        let hung = try #require(result.files.first { $0.path == "tests/z_hangs.sh" })
        #expect(hung.status == .failed)
        #expect(hung.failure?.contains("timed out") == true)
        #expect(!ProcessTable.isAlive(pid))
    }

    @Test("a process group ends background children when terminated")
    func processGroupTermination() async throws {
        let group = try ProcessGroup(terminationGrace: .milliseconds(200))
        let directory = FileManager.default.temporaryDirectory.path
        let pidFile = directory + "/slipway-pg-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let spec = ProcessSpec.shell("(trap '' TERM; sleep 300) & echo $! > \(pidFile)",
                                     environment: ["PATH": "/usr/bin:/bin"], workingDirectory: directory,
                                     outputPath: nil)
        let termination = try await group.run(spec)
        #expect(termination == .exited(0))
        let pid = try await Self.waitForPID(at: pidFile)
        #expect(ProcessTable.isAlive(pid), "a background child lives on until the group ends")
        await group.terminate()
        #expect(!ProcessTable.isAlive(pid), "SIGKILL after the grace period ends even a child ignoring SIGTERM")
        #expect(group.members().isEmpty)
    }
}
