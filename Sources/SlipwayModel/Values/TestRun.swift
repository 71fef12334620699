import Foundation

/// The lifecycle of a test run.
public enum TestRunState: String, Sendable, Codable, CaseIterable {
    case pending
    /// Waiting for its first test slot: every slot is on remote workers and none has leased one yet.
    case queued
    case running
    /// Every file passed (possibly after retries).
    case succeeded
    /// At least one file failed.
    case failed
    /// Setup, configuration or infrastructure failed; the tests said nothing.
    case error
    /// A newer push replaced it.
    case cancelled

    /// Whether the run has finished.
    public var isFinished: Bool { self != .pending && self != .queued && self != .running }
}

/// One CI execution of a commit, split into shards over workers.
public struct TestRun: Sendable, Codable, Equatable, Identifiable {
    /// A UUID assigned by the store (`HEROKU_TEST_RUN_ID`).
    public var id: String
    public var pipeline: ResourceName
    /// The pull request tested, or nil for a branch push.
    public var prNumber: Int?
    /// `HEROKU_TEST_RUN_BRANCH`.
    public var branch: String?
    /// The commit tested (a PR's test merge commit).
    public var commit: String
    public var state: TestRunState
    /// Number of workers the run was split over (1–32).
    public var workers: Int
    /// How files were split (`env`, `timings`, `queue`).
    public var split: String?
    /// Per-shard timeline, for the dashboard.
    public var shards: [TestShard]
    /// One result per test file.
    public var fileResults: [TestFileResult]
    /// Why the run errored or was cancelled, or a short summary.
    public var message: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Seconds from the first worker's start to the last worker's end.
    public var wallTimeSeconds: Double?
    /// The service instance (`ServiceInstance.id`) that runs it; nil when no instance claimed it (the embedded
    /// SQLite service, `slipway ci run`, rows older than migration v9). An update carrying an owner is refused
    /// once another instance adopted the run (see `CIStore.updateTestRun`).
    public var owner: String?

    public init(
        id: String,
        pipeline: ResourceName,
        prNumber: Int? = nil,
        branch: String? = nil,
        commit: String,
        state: TestRunState = .pending,
        workers: Int = 1,
        split: String? = nil,
        shards: [TestShard] = [],
        fileResults: [TestFileResult] = [],
        message: String? = nil,
        createdAt: Date = Date(),
        startedAt: Date? = nil,
        finishedAt: Date? = nil,
        wallTimeSeconds: Double? = nil,
        owner: String? = nil
    ) {
        self.id = id
        self.pipeline = pipeline
        self.prNumber = prNumber
        self.branch = branch
        self.commit = commit
        self.state = state
        self.workers = workers
        self.split = split
        self.shards = shards
        self.fileResults = fileResults
        self.message = message
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.wallTimeSeconds = wallTimeSeconds
        self.owner = owner
    }
}

/// One worker's share of a test run.
public struct TestShard: Sendable, Codable, Equatable {
    /// 0-based, like `CI_NODE_INDEX`.
    public var index: Int
    public var files: [String]
    public var state: TestRunState
    /// Seconds after the run started that the shard started and ended.
    public var startOffsetSeconds: Double?
    public var endOffsetSeconds: Double?
    /// The tail of the shard's output.
    public var outputTail: String?

    public init(
        index: Int,
        files: [String] = [],
        state: TestRunState = .pending,
        startOffsetSeconds: Double? = nil,
        endOffsetSeconds: Double? = nil,
        outputTail: String? = nil
    ) {
        self.index = index
        self.files = files
        self.state = state
        self.startOffsetSeconds = startOffsetSeconds
        self.endOffsetSeconds = endOffsetSeconds
        self.outputTail = outputTail
    }
}

/// The final state of one test file in a run.
public enum TestFileStatus: String, Sendable, Codable, CaseIterable {
    case passed, failed
    /// Failed at least once, then passed on a retry.
    case flaky
}

/// One test file's result over all its attempts.
public struct TestFileResult: Sendable, Codable, Equatable {
    public var path: String
    /// The worker of the last attempt.
    public var worker: Int
    /// Seconds of the last attempt.
    public var seconds: Double
    public var status: TestFileStatus
    public var attempts: Int
    /// For a failed or flaky file: why it failed and the tail of its output.
    public var failure: String?
    /// Seconds after the run started that the file's last attempt began (its batch's start), for the
    /// dashboard's timeline; nil when the runner did not say.
    public var startOffsetSeconds: Double?

    public init(path: String, worker: Int, seconds: Double, status: TestFileStatus, attempts: Int = 1,
                failure: String? = nil, startOffsetSeconds: Double? = nil) {
        self.path = path
        self.worker = worker
        self.seconds = seconds
        self.status = status
        self.attempts = attempts
        self.failure = failure
        self.startOffsetSeconds = startOffsetSeconds
    }
}
