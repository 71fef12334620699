import Sharding

/// The machine-readable report of a run (`slipway ci run --json`), with exactly these keys.
public struct RunReport: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case passed, failed, error
    }

    public struct Worker: Codable, Sendable, Equatable {
        public var index: Int
        /// File attempts the worker ran.
        public var files: Int
        /// Seconds the worker was busy (setup and tests).
        public var seconds: Double
    }

    /// Test cases by outcome, as the reports gave them (each file's last attempt): the counts a plain run of
    /// the runner prints (`412 passed, 3 skipped`).
    public struct CaseCounts: Codable, Sendable, Equatable {
        public var passed = 0
        public var failed = 0
        public var skipped = 0

        public init(passed: Int = 0, failed: Int = 0, skipped: Int = 0) {
            self.passed = passed
            self.failed = failed
            self.skipped = skipped
        }

        public init(_ files: [FileResult]) {
            for testCase in files.flatMap(\.cases) {
                switch testCase.outcome {
                case .passed: passed += 1
                case .failed: failed += 1
                case .skipped: skipped += 1
                }
            }
        }
    }

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var worker: Int
        public var seconds: Double
        public var status: FileStatus
        public var attempts: Int
    }

    public var status: Status
    public var workers: [Worker]
    public var files: [File]
    public var cases: CaseCounts
    public var wallSeconds: Double

    public init(status: Status, workers: [Worker], files: [File], cases: CaseCounts = CaseCounts(), wallSeconds: Double) {
        self.status = status
        self.workers = workers
        self.files = files
        self.cases = cases
        self.wallSeconds = wallSeconds
    }

    /// The report of a run that could not start (a configuration error).
    public static let notStarted = RunReport(status: .error, workers: [], files: [], wallSeconds: 0)
}

/// Everything a finished run knows: the report plus what the summary and the merged JUnit need.
public struct TestRunResult: Sendable {
    public var status: RunReport.Status
    public var files: [FileResult]
    public var workers: [RunReport.Worker]
    public var wallSeconds: Double
    /// Why the run is `error`.
    public var error: TestRunError?
    /// Why the run stopped early (`--fail-fast`, timeout), when it did.
    public var stopReason: String?
    /// Files discovered but never run (after a stop).
    public var notRun: [String]
    public var split: SplitMode
    /// `copy` or `overlay`.
    public var workspaceStrategy: String
    /// Workspaces, logs and reports of the run; removed afterwards unless `keepRunDirectory`.
    public var runDirectory: String
    /// The start-up cost of one batch this run measured (queue split, reports with test times); nil otherwise.
    public var batchStartupSeconds: Double?

    /// Test cases by outcome over every file.
    public var cases: RunReport.CaseCounts { RunReport.CaseCounts(files) }

    /// What the run adds to a timing history: each file's seconds and, when measured, the batch start-up
    /// under `TimingHistory.batchStartupKey` (the service mirrors this into its store's `file_timings`).
    public var timingSamples: [String: Double] {
        var samples: [String: Double] = [:]
        for file in files where !file.path.hasPrefix("(shard ") { samples[file.path] = file.seconds }
        if let batchStartupSeconds { samples[TimingHistory.batchStartupKey] = batchStartupSeconds }
        return samples
    }

    public var report: RunReport {
        RunReport(
            status: status,
            workers: workers,
            files: files.map {
                RunReport.File(path: $0.path, worker: $0.worker, seconds: Self.rounded($0.seconds),
                               status: $0.status, attempts: $0.attempts)
            },
            cases: cases,
            wallSeconds: Self.rounded(wallSeconds))
    }

    /// The merged JUnit XML of the run.
    public var junitXML: String { JUnitWriter.document(for: files, wallSeconds: wallSeconds) }

    static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}
