import Foundation
import Sharding
import Testing
@testable import TestRunner

@Suite("Setup, configuration and workspaces")
struct SetupAndConfigurationTests {
    @Test("33 workers is refused with a message", arguments: [0, 33, 100])
    func tooManyWorkers(workers: Int) throws {
        let configuration = TestSuiteConfiguration(testCommand: "true", workers: workers, filePatterns: ["*.sh"])
        #expect {
            try configuration.validate()
        } throws: { error in
            guard let error = error as? TestRunError else { return false }
            return error.kind == .configuration && error.message.contains("between 1 and 32")
        }
    }

    @Test("a failing test-setup is an error naming the worker, with its output")
    func setupFailure() async throws {
        let fixture = try SuiteFixture.make(files: 4)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: 2, split: .queue, fixture: ["FIXTURE_SETUP_FAIL": "1"])
        #expect(result.status == .error)
        let error = try #require(result.error)
        #expect(error.kind == .setupFailed)
        #expect(error.worker != nil)
        #expect(error.message.contains("worker \(error.worker!)"))
        #expect(error.outputTail?.contains("database did not start on worker \(error.worker!)") == true)
        #expect(fixture.logLines().isEmpty, "no test may run after a failed setup")
    }

    @Test("test-setup runs once per worker, before its tests")
    func setupOncePerWorker() async throws {
        let fixture = try SuiteFixture.make(files: 12)
        defer { fixture.remove() }
        let result = try await fixture.run(workers: 4, split: .queue)
        #expect(result.status == .passed)
        let setups = try String(contentsOfFile: fixture.log.path + ".setup", encoding: .utf8)
            .split(separator: "\n").sorted()
        #expect(setups == ["setup 0", "setup 1", "setup 2", "setup 3"])
    }

    @Test("workers get the SPEC §3 variables, their own HOME and TMPDIR, and the suite's env")
    func environment() async throws {
        let script = """
        out="$FIXTURE_DIR/env-$CI_NODE_INDEX-$(basename "$1")"
        env | grep -E '^(CI|CI_NODE_TOTAL|CI_NODE_INDEX|TEST_TOTAL_SHARDS|TEST_SHARD_INDEX|HEROKU_TEST_RUN_ID|HEROKU_TEST_RUN_BRANCH|HEROKU_TEST_RUN_COMMIT_VERSION|SLIPWAY_TEST_FILES|SLIPWAY_REPORTS_DIR|SLIPWAY_TOKEN|HOME|TMPDIR|SUITE_GREETING)=' | sort > "$out"
        echo "PWD=$(pwd)" >> "$out"
        """
        let fixture = try SuiteFixture.make(files: 0, extra: ["tests/a.sh": "true\n", "tests/b.sh": "true\n",
                                                              "bin/show-env": script])
        defer { fixture.remove() }
        var configuration = try fixture.configuration(workers: 2, split: .timings)
        configuration.testCommand = "sh bin/show-env {files}"
        let outDirectory = fixture.directory.deletingLastPathComponent().path
        var options = fixture.options(fixture: ["FIXTURE_DIR": outDirectory, "CI_NODE_INDEX": "99",
                                                  "SLIPWAY_TOKEN": "admin-secret"])
        options.identity = RunIdentity(id: "run-42", branch: "feature/x", commitVersion: String(repeating: "a", count: 40))
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration, options: options).run()
        #expect(result.status == .passed)

        var homes = Set<String>()
        for worker in 0..<2 {
            let files = try FileManager.default.contentsOfDirectory(atPath: outDirectory).filter { $0.hasPrefix("env-\(worker)-") }
            #expect(files.count == 1)
            let text = try String(contentsOfFile: outDirectory + "/" + files[0], encoding: .utf8)
            var values: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1)
                values[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            #expect(values["CI"] == "true")
            #expect(values["CI_NODE_TOTAL"] == "2")
            #expect(values["CI_NODE_INDEX"] == String(worker))
            #expect(values["TEST_TOTAL_SHARDS"] == "2")
            #expect(values["TEST_SHARD_INDEX"] == String(worker))
            #expect(values["HEROKU_TEST_RUN_ID"] == "run-42")
            #expect(values["HEROKU_TEST_RUN_BRANCH"] == "feature/x")
            #expect(values["HEROKU_TEST_RUN_COMMIT_VERSION"] == String(repeating: "a", count: 40))
            #expect(values["SUITE_GREETING"] == "hello from app.json")
            #expect(values["SLIPWAY_TOKEN"] == nil, "Slipway's token must never reach a test")
            let file = try #require(values["SLIPWAY_TEST_FILES"])
            #expect(["tests/a.sh", "tests/b.sh"].contains(file))
            #expect(values["SLIPWAY_REPORTS_DIR"]?.hasPrefix("/") == true)
            let home = try #require(values["HOME"])
            #expect(home != NSHomeDirectory())
            homes.insert(home)
            #expect(values["TMPDIR"] != nil && values["TMPDIR"] != home)
            #expect(values["PWD"] != fixture.directory.path, "tests run in a workspace, not the user's tree")
        }
        #expect(homes.count == 2)
    }

    @Test("a test writing into its checkout touches neither the user's tree nor another worker's",
          arguments: [WorkspaceStrategy.copy, .automatic])
    func workspaceIsolation(strategy: WorkspaceStrategy) async throws {
        // Every file appends to a shared checked-in file and asserts it was alone in doing so.
        let body = "echo \"$0\" >> data/shared.txt\n[ \"$(wc -l < data/shared.txt)\" -eq 2 ]\n"
        var extra = ["data/shared.txt": "original\n"]
        for index in 1...6 { extra["tests/w\(index).sh"] = body }
        let fixture = try SuiteFixture.make(files: 0, extra: extra)
        defer { fixture.remove() }
        var configuration = try fixture.configuration(workers: 6, split: .timings)
        configuration.filePatterns = ["tests/w*.sh"]
        let result = try await TestSuiteRun(appDirectory: fixture.directory, configuration: configuration,
                                       options: fixture.options(strategy: strategy)).run()
        #expect(result.status == .passed, "\(result.files.compactMap(\.failure))")
        #expect(try String(contentsOf: fixture.directory.appendingPathComponent("data/shared.txt"), encoding: .utf8)
                == "original\n")
    }

    @Test("the timing history is written and drives the next timings split")
    func timingHistory() async throws {
        let fixture = try SuiteFixture.make(files: 0, extra: [
            "tests/slow.sh": "sleep 0.4\n", "tests/fast1.sh": "true\n", "tests/fast2.sh": "true\n",
            "tests/fast3.sh": "true\n",
        ])
        defer { fixture.remove() }
        _ = try await fixture.run(workers: 2, split: .queue)
        let data = try Data(contentsOf: fixture.history)
        let history = try JSONDecoder().decode(TimingHistory.self, from: data)
        #expect(Set(history.files.keys) == ["tests/slow.sh", "tests/fast1.sh", "tests/fast2.sh", "tests/fast3.sh"])
        #expect(history.recordedEstimate(for: "tests/slow.sh")! >= 0.4, "a file's time includes its sleep")

        // Durations measured under load vary; the split must follow whatever the history says.
        let recorded = TimingHistory(files: ["tests/slow.sh": [3], "tests/fast1.sh": [1], "tests/fast2.sh": [1],
                                             "tests/fast3.sh": [1]])
        try JSONEncoder().encode(recorded).write(to: fixture.history)
        let second = try await fixture.run(workers: 2, split: .timings)
        let slowWorker = second.files.first { $0.path == "tests/slow.sh" }!.worker
        #expect(second.files.filter { $0.worker == slowWorker }.map(\.path) == ["tests/slow.sh"],
                "the slow file gets a worker of its own")
    }

    @Test("app.json is read through Manifest: test command, setup, env, quantity and slipway.tests")
    func manifestMapping() throws {
        let (configuration, _) = try TestSuiteConfiguration.load(appDirectory: SuiteFixture.source)
        #expect(configuration.testCommand == "sh bin/run-tests {files}")
        #expect(configuration.setupCommand == "sh bin/setup")
        #expect(configuration.environment["SUITE_GREETING"] == "hello from app.json")
        #expect(configuration.workers == 4)
        #expect(configuration.filePatterns == ["tests/*.sh"])
        #expect(configuration.split == .queue)
        #expect(configuration.retries == 0)
    }

    @Test("a directory without a test command is a configuration error")
    func missingTestCommand() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-empty-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"name": "no-tests"}"#.write(to: directory.appendingPathComponent("app.json"), atomically: true, encoding: .utf8)
        #expect {
            _ = try TestSuiteConfiguration.load(appDirectory: directory)
        } throws: { error in
            (error as? TestRunError)?.message.contains("environments.test.scripts.test") == true
        }
    }
}
