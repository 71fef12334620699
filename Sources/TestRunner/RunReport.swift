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
    public var wallSeconds: Double

    public init(status: Status, workers: [Worker], files: [File], wallSeconds: Double) {
        self.status = status
        self.workers = workers
        self.files = files
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

    public var report: RunReport {
        RunReport(
            status: status,
            workers: workers,
            files: files.map {
                RunReport.File(path: $0.path, worker: $0.worker, seconds: Self.rounded($0.seconds),
                               status: $0.status, attempts: $0.attempts)
            },
            wallSeconds: Self.rounded(wallSeconds))
    }

    /// The merged JUnit XML of the run.
    public var junitXML: String { JUnitWriter.document(for: files, wallSeconds: wallSeconds) }

    static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}
