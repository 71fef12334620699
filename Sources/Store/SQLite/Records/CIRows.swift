import Foundation
import SlipwayModel
import GRDB

struct TestRunRow: StoreRecord {
    static let databaseTableName = "test_runs"

    var id: String
    var pipeline: String
    var prNumber: Int?
    var branch: String?
    var commitId: String
    var state: String
    var workers: Int
    var split: String?
    var shards: [TestShard]
    var message: String?
    var createdAt: Int64
    var startedAt: Int64?
    var finishedAt: Int64?
    var wallTimeSeconds: Double?
    var ownerInstance: String?

    init(_ run: TestRun) {
        id = run.id
        pipeline = run.pipeline.rawValue
        prNumber = run.prNumber
        branch = run.branch
        commitId = run.commit
        state = run.state.rawValue
        workers = run.workers
        split = run.split
        shards = run.shards
        message = run.message
        createdAt = run.createdAt.storeMilliseconds
        startedAt = run.startedAt?.storeMilliseconds
        finishedAt = run.finishedAt?.storeMilliseconds
        wallTimeSeconds = run.wallTimeSeconds
        ownerInstance = run.owner
    }

    func value(fileResults: [TestFileResult]) throws -> TestRun {
        TestRun(
            id: id,
            pipeline: try storedName(pipeline),
            prNumber: prNumber,
            branch: branch,
            commit: commitId,
            state: try storedEnum(state, TestRunState.self),
            workers: workers,
            split: split,
            shards: shards,
            fileResults: fileResults,
            message: message,
            createdAt: Date(storeMilliseconds: createdAt),
            startedAt: startedAt.map(Date.init(storeMilliseconds:)),
            finishedAt: finishedAt.map(Date.init(storeMilliseconds:)),
            wallTimeSeconds: wallTimeSeconds,
            owner: ownerInstance)
    }
}

struct TestFileResultRow: StoreRecord {
    static let databaseTableName = "test_file_results"

    var runId: String
    var path: String
    var worker: Int
    var seconds: Double
    var status: String
    var attempts: Int
    var failure: String?
    var startOffsetSeconds: Double?

    init(runId: String, _ result: TestFileResult) {
        self.runId = runId
        path = result.path
        worker = result.worker
        seconds = result.seconds
        status = result.status.rawValue
        attempts = result.attempts
        failure = result.failure
        startOffsetSeconds = result.startOffsetSeconds
    }

    func value() throws -> TestFileResult {
        TestFileResult(
            path: path, worker: worker, seconds: seconds,
            status: try storedEnum(status, TestFileStatus.self), attempts: attempts, failure: failure,
            startOffsetSeconds: startOffsetSeconds)
    }
}

struct FileTimingRow: StoreRecord {
    static let databaseTableName = "file_timings"

    var id: Int64?
    var pipeline: String
    var path: String
    var seconds: Double
    var recordedAt: Int64
}

struct CheckRow: StoreRecord {
    static let databaseTableName = "checks"

    var id: Int64?
    var pipeline: String
    var commitId: String
    var context: String
    var state: String
    var description: String
    var targetUrl: String?
    var createdAt: Int64

    func value() throws -> Check {
        Check(
            id: id ?? 0,
            pipeline: try storedName(pipeline),
            commit: commitId,
            context: context,
            state: try storedEnum(state, CheckState.self),
            description: description,
            targetURL: targetUrl,
            createdAt: Date(storeMilliseconds: createdAt))
    }
}

struct GateDecisionRow: StoreRecord {
    static let databaseTableName = "gate_decisions"

    var id: Int64?
    var pipeline: String
    var prNumber: Int
    var mergeCommit: String?
    var verdict: String
    var reason: String
    var decidedAt: Int64

    func value() throws -> GateDecision {
        GateDecision(
            id: id ?? 0,
            pipeline: try storedName(pipeline),
            prNumber: prNumber,
            mergeCommit: mergeCommit,
            verdict: try storedEnum(verdict, GateVerdict.self),
            reason: reason,
            decidedAt: Date(storeMilliseconds: decidedAt))
    }
}

struct WebhookDeliveryRow: StoreRecord {
    static let databaseTableName = "webhook_deliveries"

    var id: String
    var event: String
    var receivedAt: Int64
}
