/// How one run of a batch ended, as far as attributing results is concerned.
public struct BatchOutcome: Sendable, Equatable {
    /// The exit status that means "nothing to run" rather than a failure: pytest's `NO_TESTS_COLLECTED`
    /// (every test of the batch's files skipped at collection, e.g. `pytest.importorskip`, or no test at all).
    public static let noTestsRanStatus: Int32 = 5

    /// True when the command exited 0 in time.
    public var succeeded: Bool
    /// What happened, for messages: `exit status 1`, `killed by signal 9`, `timed out after 30 s`.
    public var summary: String
    /// The status of a command that exited by itself; nil when a signal ended it or it was stopped.
    public var exitStatus: Int32?

    public init(succeeded: Bool, summary: String, exitStatus: Int32? = nil) {
        self.succeeded = succeeded
        self.summary = summary
        self.exitStatus = exitStatus ?? (succeeded ? 0 : nil)
    }

    /// The command exited by itself with the runner's "no tests ran" status.
    public var ranNoTests: Bool { exitStatus == Self.noTestsRanStatus }
}

/// The result of one file in one attempt.
public struct FileVerdict: Sendable, Equatable {
    public var file: String
    public var passed: Bool
    /// Why the file failed, when it did.
    public var reason: String?
    public var cases: [TestCaseResult]

    public init(file: String, passed: Bool, reason: String? = nil, cases: [TestCaseResult] = []) {
        self.file = file
        self.passed = passed
        self.reason = reason
        self.cases = cases
    }
}

/// Turns a batch's reports and exit status into one verdict per file.
///
/// - A file with reported cases fails exactly when one of its cases failed.
/// - The batch's exit status decides for files the reports do not mention: they pass when the batch
///   succeeded, or when its failure is explained by failing cases attributed to other files.
/// - Exit status 5 (`BatchOutcome.noTestsRanStatus`, pytest's "no tests collected") with a report read and
///   neither a failing nor a passing case in it is pytest saying the batch had nothing to run: every file
///   passes (a file whose cases were all skipped becomes `skipped` in the run). pytest exits 0 once any test
///   ran, so a 5 after passing cases is not that status: it is a crash like any other.
/// - An unexplained failure (non-zero exit, timeout or signal with no failing case to pin it on, or failing cases
///   that match no file) fails every file without a failing case of its own, and every file when all of them
///   reported only passing cases: a complete, clean report followed by any other non-zero exit is a crash
///   after the report (a segfault in interpreter teardown, an `atexit` hook, a leaked child), which no report
///   explains. A merge gate must never pass a failure it cannot place; with `--retries`, each such file is
///   then re-run on its own, which attributes the failure exactly.
public enum BatchVerdict {
    /// `reported`: a report was read for the batch (it may hold no case at all: pytest writes an empty
    /// `<testsuite>` when a file has no tests); defaults to whether any case was reported.
    public static func judge(files: [String], cases: [TestCaseResult], outcome: BatchOutcome,
                             attribution: ResultAttribution, reported: Bool? = nil) -> [FileVerdict] {
        var byFile: [String: [TestCaseResult]] = [:]
        var unattributedFailures: [TestCaseResult] = []
        for testCase in cases {
            if let file = attribution.file(for: testCase) {
                byFile[file, default: []].append(testCase)
            } else if testCase.outcome == .failed {
                unattributedFailures.append(testCase)
            }
        }
        let failingFiles = Set(byFile.filter { $0.value.contains { $0.outcome == .failed } }.keys)
        let explained = !failingFiles.isEmpty && unattributedFailures.isEmpty
        let nothingToRun = outcome.ranNoTests && (reported ?? !cases.isEmpty)
            && cases.allSatisfy { $0.outcome == .skipped }
        let everyFileReported = files.allSatisfy { byFile[$0] != nil }

        return files.map { file in
            let own = byFile[file] ?? []
            if failingFiles.contains(file) {
                let messages = own.filter { $0.outcome == .failed }.map { failure in
                    [failure.name, failure.message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
                }
                return FileVerdict(file: file, passed: false, reason: messages.joined(separator: "\n"), cases: own)
            }
            if outcome.succeeded || explained || nothingToRun {
                return FileVerdict(file: file, passed: true, cases: own)
            }
            if own.isEmpty || everyFileReported {
                let why = unattributedFailures.isEmpty
                    ? outcome.summary
                    : "\(outcome.summary); failing tests could not be matched to a file: "
                        + unattributedFailures.map(\.name).joined(separator: ", ")
                return FileVerdict(file: file, passed: false, reason: why, cases: own)
            }
            return FileVerdict(file: file, passed: true, cases: own)
        }
    }
}
