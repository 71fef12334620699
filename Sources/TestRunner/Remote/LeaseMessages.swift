import Foundation
import Sharding

// The messages between the service and `slipway worker` (the lease API's bodies, snake_case on the wire).

/// What a worker slot is given when it leases: everything it needs to run the slot's batches exactly as a local
/// worker of the run would. Its environment holds the run's config vars: only a worker or admin token sees it.
public struct LeasedSlot: Codable, Sendable, Equatable {
    /// The lease's id (unguessable): every later call names it.
    public var lease: String
    /// The test run (`HEROKU_TEST_RUN_ID`).
    public var run: String
    /// The slot's worker index in the run: `CI_NODE_INDEX`, as for a local worker.
    public var slot: Int
    /// The run's slot count (`CI_NODE_TOTAL`).
    public var total: Int
    /// The tree under test: `GET /api/v1/trees/{tree}` is its archive.
    public var tree: String
    public var setupCommand: String?
    public var testCommand: String
    /// The test context's config vars, resolved.
    public var environment: [String: String]
    /// The slot's own extra variables (`RunOptions.workerEnvironment`).
    public var extraEnvironment: [String: String]
    /// Every test file of the run (attributing an `env` shard's reports) and their estimates (sharing a batch's
    /// wall time out when reports give no times).
    public var knownFiles: [String]
    public var estimates: [String: Double]
    public var junitPattern: String?
    /// app.json `slipway.sandbox.network`: `shared` or `none`.
    public var sandboxNetwork: String
    public var branch: String
    public var commit: String
    /// How often the worker must heartbeat; a lease expires after two intervals without one.
    public var heartbeatSeconds: Double

    enum CodingKeys: String, CodingKey {
        case lease, run, slot, total, tree, environment, estimates, branch, commit
        case setupCommand = "setup_command", testCommand = "test_command", extraEnvironment = "extra_environment"
        case knownFiles = "known_files", junitPattern = "junit_pattern", sandboxNetwork = "sandbox_network"
        case heartbeatSeconds = "heartbeat_seconds"
    }
}

/// One batch handed to a leased slot: exactly a local worker's work item.
public struct LeasedBatch: Codable, Sendable, Equatable {
    /// 1, 2, … within the lease; the report names it.
    public var sequence: Int
    public var files: [String]
    public var attempt: Int
    /// For an `env` split: the shard index (`CI_NODE_INDEX`) the command receives.
    public var shard: Int?

    init(sequence: Int, item: WorkItem) {
        self.sequence = sequence
        self.files = item.files
        self.attempt = item.attempt
        self.shard = item.shard
    }

    var item: WorkItem { WorkItem(files: files, attempt: attempt, shard: shard) }
}

/// The answer to "the next batch, please": a batch, nothing yet (ask again), or nothing more (the slot is done).
public struct NextBatch: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case batch, wait, done }
    public var state: State
    public var batch: LeasedBatch?

    public static let wait = NextBatch(state: .wait, batch: nil)
    public static let done = NextBatch(state: .done, batch: nil)
}

/// How a slot's `test-setup` went.
public struct SetupReport: Codable, Sendable, Equatable {
    public var succeeded: Bool
    /// From the lease to ready (tree, workspace, `test-setup`).
    public var seconds: Double
    public var message: String?
    public var outputTail: String?

    public init(succeeded: Bool, seconds: Double, message: String? = nil, outputTail: String? = nil) {
        self.succeeded = succeeded
        self.seconds = seconds
        self.message = message
        self.outputTail = outputTail
    }

    enum CodingKeys: String, CodingKey {
        case succeeded, seconds, message
        case outputTail = "output_tail"
    }
}

/// One test case of a reported file (`TestCaseResult` on the wire).
public struct ReportedCase: Codable, Sendable, Equatable {
    public var name: String
    public var className: String?
    public var file: String?
    public var seconds: Double?
    /// `passed`, `failed` or `skipped`.
    public var outcome: String
    public var message: String?

    enum CodingKeys: String, CodingKey {
        case name, file, seconds, outcome, message
        case className = "class_name"
    }
}

/// One file's verdict in a batch report (`FileVerdict` on the wire).
public struct ReportedVerdict: Codable, Sendable, Equatable {
    public var file: String
    public var passed: Bool
    public var reason: String?
    public var cases: [ReportedCase]
}

/// A finished batch: per-file verdicts and seconds, its wall time and output tail.
public struct BatchReport: Codable, Sendable, Equatable {
    public var verdicts: [ReportedVerdict]
    public var seconds: [String: Double]
    public var wallSeconds: Double
    public var outputTail: String
    /// The batch was killed because the worker is stopping.
    public var interrupted: Bool

    enum CodingKeys: String, CodingKey {
        case verdicts, seconds, interrupted
        case wallSeconds = "wall_seconds", outputTail = "output_tail"
    }

    init(_ outcome: BatchRunner.Outcome) {
        verdicts = outcome.verdicts.map { verdict in
            ReportedVerdict(file: verdict.file, passed: verdict.passed, reason: verdict.reason, cases: verdict.cases.map {
                ReportedCase(name: $0.name, className: $0.className, file: $0.file, seconds: $0.seconds,
                             outcome: $0.outcome.rawValue, message: $0.message)
            })
        }
        seconds = outcome.seconds
        wallSeconds = outcome.wallSeconds
        outputTail = outcome.outputTail
        interrupted = outcome.interrupted
    }

    /// The verdicts as the dispatcher takes them; nil when a case's outcome is not one Slipway knows.
    var fileVerdicts: [FileVerdict]? {
        var result: [FileVerdict] = []
        for verdict in verdicts {
            var cases: [TestCaseResult] = []
            for reported in verdict.cases {
                guard let outcome = TestCaseResult.Outcome(rawValue: reported.outcome) else { return nil }
                cases.append(TestCaseResult(name: reported.name, className: reported.className, file: reported.file,
                                            seconds: reported.seconds, outcome: outcome, message: reported.message))
            }
            result.append(FileVerdict(file: verdict.file, passed: verdict.passed, reason: verdict.reason, cases: cases))
        }
        return result
    }
}
