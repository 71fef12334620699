import Foundation
import SlipwayModel
import Store

/// A test run as the API shows it. Lists carry the summary only; `GET /test-runs/{id}` adds the shards
/// (the per-worker timeline) and one result per file.
public struct TestRunResource: Codable, Sendable, Equatable {
    public var id: String
    public var pipeline: String
    public var prNumber: Int?
    public var branch: String?
    public var commit: String
    public var state: String
    public var workers: Int
    public var split: String?
    public var message: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var wallTimeSeconds: Double?
    public var counts: TestRunCounts
    public var shards: [TestShardResource]?
    public var fileResults: [TestFileResultResource]?

    enum CodingKeys: String, CodingKey {
        case id, pipeline, branch, commit, state, workers, split, message, counts, shards
        case prNumber = "pr_number"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case wallTimeSeconds = "wall_time_seconds"
        case fileResults = "file_results"
    }

    init(_ run: TestRun, detailed: Bool) {
        id = run.id
        pipeline = run.pipeline.rawValue
        prNumber = run.prNumber
        branch = run.branch
        commit = run.commit
        state = run.state.rawValue
        workers = run.workers
        split = run.split
        message = run.message
        createdAt = run.createdAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        wallTimeSeconds = run.wallTimeSeconds
        counts = TestRunCounts(run.fileResults)
        shards = detailed ? run.shards.sorted { $0.index < $1.index }.map(TestShardResource.init) : nil
        fileResults = detailed ? run.fileResults.map(TestFileResultResource.init) : nil
    }
}

/// How many files ended in each state.
public struct TestRunCounts: Codable, Sendable, Equatable {
    public var files: Int
    public var passed: Int
    public var failed: Int
    public var flaky: Int

    init(_ results: [TestFileResult]) {
        files = results.count
        passed = results.filter { $0.status == .passed }.count
        failed = results.filter { $0.status == .failed }.count
        flaky = results.filter { $0.status == .flaky }.count
    }
}

/// One worker's share of a run, with its place on the run's timeline.
public struct TestShardResource: Codable, Sendable, Equatable {
    public var index: Int
    public var files: [String]
    public var state: String
    public var startOffsetSeconds: Double?
    public var endOffsetSeconds: Double?
    public var outputTail: String?

    enum CodingKeys: String, CodingKey {
        case index, files, state
        case startOffsetSeconds = "start_offset_seconds"
        case endOffsetSeconds = "end_offset_seconds"
        case outputTail = "output_tail"
    }

    init(_ shard: TestShard) {
        index = shard.index
        files = shard.files
        state = shard.state.rawValue
        startOffsetSeconds = shard.startOffsetSeconds
        endOffsetSeconds = shard.endOffsetSeconds
        outputTail = shard.outputTail
    }
}

/// One test file's result over all its attempts.
public struct TestFileResultResource: Codable, Sendable, Equatable {
    public var path: String
    public var worker: Int
    public var seconds: Double
    public var status: String
    public var attempts: Int
    public var failure: String?
    /// When its (last) batch was handed out, in seconds from the run's start: the files of one batch share it.
    public var startOffsetSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case path, worker, seconds, status, attempts, failure
        case startOffsetSeconds = "start_offset_seconds"
    }

    init(_ result: TestFileResult) {
        path = result.path
        worker = result.worker
        seconds = result.seconds
        status = result.status.rawValue
        attempts = result.attempts
        failure = result.failure
        startOffsetSeconds = result.startOffsetSeconds
    }
}
