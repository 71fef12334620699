/// The final state of one test file in a run.
public enum FileStatus: String, Sendable, Codable, Equatable {
    case passed
    case failed
    /// Failed at least once, then passed on a retry.
    case flaky
    /// Every case the reports attributed to the file was skipped (an optional dependency missing, a
    /// platform-only file): it passes the gate, and is counted apart as plain runners count it.
    case skipped

    /// Whether the file lets the run pass.
    public var passes: Bool { self != .failed }
}

/// One test file's result over all its attempts.
public struct FileResult: Sendable, Equatable {
    public var path: String
    /// The worker of the last attempt (0-based, like `CI_NODE_INDEX`).
    public var worker: Int
    /// Seconds of the last attempt.
    public var seconds: Double
    public var status: FileStatus
    public var attempts: Int
    /// The cases the reports attributed to the file in its last attempt.
    public var cases: [TestCaseResult]
    /// For a failed or flaky file: why its (last) failing attempt failed and the tail of its output.
    public var failure: String?
    /// Seconds after the run started that the file's last attempt began (the start of its batch), so a
    /// timeline can place it; nil when unknown.
    public var startOffsetSeconds: Double?

    public init(path: String, worker: Int, seconds: Double, status: FileStatus, attempts: Int,
                cases: [TestCaseResult] = [], failure: String? = nil, startOffsetSeconds: Double? = nil) {
        self.path = path
        self.worker = worker
        self.seconds = seconds
        self.status = status
        self.attempts = attempts
        self.cases = cases
        self.failure = failure
        self.startOffsetSeconds = startOffsetSeconds
    }
}
