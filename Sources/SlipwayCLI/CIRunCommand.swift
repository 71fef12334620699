import ArgumentParser
import Foundation
import Sandbox
import Processes
import Sharding
import TestRunner
#if canImport(Glibc)
import Glibc
#endif

extension SplitMode: ExpressibleByArgument {}
extension WorkspaceStrategy: ExpressibleByArgument {}

/// `slipway ci run [DIR]`: the app's `environments.test` on up to 32 local workers.
struct CIRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the test environment of the app in DIR, sharded over local workers.",
        discussion: """
        Reads DIR/app.json: environments.test.scripts.test-setup and .test, env, formation.test.quantity, \
        and slipway.tests (files, split, retries, junit). Flags override app.json. \
        Exit status: 0 all passed, 1 test failures, 2 setup or configuration error, 130 interrupted.
        """
    )

    @Argument(help: "The app directory.")
    var directory: String = "."

    @Option(help: "Number of workers, 1–32 (default: formation.test.quantity, else 1).")
    var workers: Int?

    @Option(help: "How work is divided: env, timings or queue (default: slipway.tests.split, else queue when files are known, else env).")
    var split: SplitMode?

    @Option(help: "Extra attempts for a failed file (default: slipway.tests.retries, else 0).")
    var retries: Int?

    @Flag(help: "Stop everything at the first failure.")
    var failFast = false

    @Option(help: "Write one merged JUnit XML file here.")
    var junit: String?

    @Option(help: "Keep the timing history in this directory (default: DIR/.slipway).")
    var dataDir: String?

    @Option(help: "Stop everything and fail the files in flight after this many seconds.")
    var timeout: Double?

    @Option(help: "Worker checkouts: overlay (copy-on-write, needs root), copy, or automatic (overlay when it works).")
    var workspace: WorkspaceStrategy = .automatic

    @Flag(help: "Keep the run directory (workspaces and logs) for inspection.")
    var keepWorkspaces = false

    @Option(help: "HEROKU_TEST_RUN_BRANCH (default: the branch at DIR's git HEAD).")
    var branch: String?

    @Option(help: "HEROKU_TEST_RUN_COMMIT_VERSION (default: DIR's git HEAD commit).")
    var commit: String?

    @Flag(help: "Print the run report as JSON on stdout (the summary goes to stderr).")
    var json = false

    @Flag(help: "Run test-setup and the tests in the sandbox (bubblewrap: own uid, read-only system, no access to your files or environment), for code you did not write.")
    var sandbox = false

    func validate() throws {
        if let workers, !(1...TestSuiteConfiguration.maximumWorkers).contains(workers) {
            throw ValidationError("--workers must be between 1 and \(TestSuiteConfiguration.maximumWorkers) "
                                  + "(got \(workers)); Slipway, like Heroku CI, runs at most 32 test workers")
        }
        if let retries, !(0...10).contains(retries) {
            throw ValidationError("--retries must be between 0 and 10 (got \(retries))")
        }
        if let timeout, !(timeout > 0) {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
    }

    /// The sandbox for `--sandbox`, verified with a trial process; its state lives in the temporary directory.
    private static func sandbox() async throws -> TestSandbox {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-sandbox").path
        do throws(SandboxError) {
            let setup = try SandboxSetup.prepare(stateDirectory: state)
            try await setup.verify()
            writeToStandardError("slipway: sandboxed (bubblewrap); limits: \(setup.limitMechanism)\n")
            return TestSandbox(launcher: SandboxLauncher(.sandboxed(setup)), hidden: [state], ownsSource: false)
        } catch {
            throw CLIFailure.usage("--sandbox: \(error.message)")
        }
    }

    /// A run that could not start: exit 2 with the message, and with `--json` a report saying `error`.
    private func notStarted(_ error: TestRunError) -> CLIFailure {
        if json { try? printJSON(RunReport.notStarted) }
        return CLIFailure.usage(error.description)
    }

    func run() async throws {
        let appDirectory = URL(fileURLWithPath: directory).standardizedFileURL
        let environment = ProcessInfo.processInfo.environment
        var suite: TestSuiteConfiguration
        do {
            let loaded = try TestSuiteConfiguration.load(appDirectory: appDirectory, shellEnvironment: environment)
            suite = loaded.configuration
            for warning in loaded.warnings { writeToStandardError("slipway: warning: \(warning)\n") }
        } catch {
            throw notStarted(error)
        }
        if let workers { suite.workers = workers }
        if let split { suite.split = split }
        if let retries { suite.retries = retries }
        do {
            try suite.validate()
        } catch {
            throw notStarted(error)
        }

        let identity = await CIRunIdentity.resolve(directory: appDirectory, branch: branch, commit: commit,
                                                   environment: environment)
        let options = RunOptions(
            historyFile: RunOptions.historyFile(appDirectory: appDirectory,
                                                dataDirectory: dataDir.map { URL(fileURLWithPath: $0) }),
            failFast: failFast,
            timeout: timeout.map { Duration.milliseconds(Int64($0 * 1000)) },
            keepRunDirectory: keepWorkspaces,
            identity: identity,
            baseEnvironment: sandbox ? SandboxEnvironment.base : environment,
            workspaceStrategy: workspace,
            sandbox: sandbox ? try await Self.sandbox() : .unsandboxed)
        let progress = CIProgress(live: isatty(2) == 1)
        let testRun = TestSuiteRun(appDirectory: appDirectory, configuration: suite, options: options, observer: progress)

        let outcome: Result<TestRunResult, TestRunError> = await CIInterrupt.cancellingOnSignal {
            do throws(TestRunError) {
                return .success(try await testRun.run())
            } catch {
                return .failure(error)
            }
        }
        let result: TestRunResult
        switch outcome {
        case .success(let value):
            result = value
        case .failure(let error):
            progress.finish()
            if error.kind == .cancelled {
                writeToStandardError("slipway: \(error.message)\n")
                throw ExitCode(130)
            }
            throw notStarted(error)
        }
        progress.finish()

        let summary = CISummary.render(result, keptRunDirectory: keepWorkspaces ? result.runDirectory : nil)
        if json {
            writeToStandardError(summary)
            try printJSON(result.report)
        } else {
            FileHandle.standardOutput.write(Data(summary.utf8))
        }
        if let junit {
            do {
                try Data(result.junitXML.utf8).write(to: URL(fileURLWithPath: junit), options: .atomic)
            } catch {
                throw CLIFailure.usage("cannot write --junit \(junit): \(error.localizedDescription)")
            }
        }
        switch result.status {
        case .passed: return
        case .failed: throw ExitCode(ExitStatus.checkFailed.rawValue)
        case .error:
            if let error = result.error { writeToStandardError("slipway: \(error.description)\n") }
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }
}
