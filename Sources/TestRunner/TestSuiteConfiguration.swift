import Sandbox
import Foundation
import Sharding

/// What a test run runs: the app's test context, independent of where it was read from
/// (`TestSuiteConfiguration(manifest:)` maps app.json onto it; CLI flags then override fields).
public struct TestSuiteConfiguration: Sendable, Equatable {
    /// Heroku CI's limit, and Slipway's.
    public static let maximumWorkers = 32

    /// `scripts.test-setup`: run once per worker before its tests.
    public var setupCommand: String?
    /// `scripts.test`: the test command, run by `/bin/sh -c`. `{files}` marks where the batch's files go.
    public var testCommand: String
    /// Config vars of the test context, already resolved to values.
    public var environment: [String: String]
    /// `formation.test.quantity`, 1…32.
    public var workers: Int
    /// `slipway.tests.files`: globs of test files (`!` excludes). Empty: the files are unknown to Slipway.
    public var filePatterns: [String]
    /// `slipway.tests.split`; nil picks `queue` when files are known and `env` otherwise.
    public var split: SplitMode?
    /// `slipway.tests.retries`: extra attempts for a failed file.
    public var retries: Int
    /// `slipway.tests.junit`: glob (relative to the workspace) of JUnit files the command writes itself,
    /// for suites that cannot be pointed at `SLIPWAY_REPORTS_DIR`.
    public var junitPattern: String?
    /// app.json `slipway.sandbox.network`: `none` gives sandboxed test processes no network.
    public var sandboxNetwork: SandboxNetwork = .shared

    public init(setupCommand: String? = nil, testCommand: String, environment: [String: String] = [:],
                workers: Int = 1, filePatterns: [String] = [], split: SplitMode? = nil, retries: Int = 0,
                junitPattern: String? = nil) {
        self.setupCommand = setupCommand
        self.testCommand = testCommand
        self.environment = environment
        self.workers = workers
        self.filePatterns = filePatterns
        self.split = split
        self.retries = retries
        self.junitPattern = junitPattern
    }

    /// The split in effect.
    public var effectiveSplit: SplitMode {
        split ?? (filePatterns.isEmpty ? .env : .queue)
    }

    /// Checks the combination before anything starts.
    public func validate() throws(TestRunError) {
        guard (1...Self.maximumWorkers).contains(workers) else {
            throw TestRunError(.configuration, "workers must be between 1 and \(Self.maximumWorkers) (got \(workers)); "
                               + "Heroku CI and Slipway run at most \(Self.maximumWorkers) test workers")
        }
        guard retries >= 0 && retries <= 10 else {
            throw TestRunError(.configuration, "retries must be between 0 and 10 (got \(retries))")
        }
        guard !testCommand.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TestRunError(.configuration, "the test command is empty: set environments.test.scripts.test in app.json")
        }
        if effectiveSplit != .env && filePatterns.isEmpty {
            throw TestRunError(.configuration, "split \"\(effectiveSplit)\" needs test files: "
                               + "set slipway.tests.files in app.json (for example [\"tests/**/*_test.py\"]), or use --split env")
        }
    }
}
