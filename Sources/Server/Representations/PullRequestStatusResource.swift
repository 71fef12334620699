import Foundation
import GitKit
import Orchestration
import SlipwayModel

/// What `slipway pr status N` shows.
public struct PullRequestStatusResource: Sendable, Codable, Equatable {
    public struct CheckEntry: Sendable, Codable, Equatable {
        public var context: String
        public var state: String
        public var description: String
        public var commit: String
        public var createdAt: Date
        enum CodingKeys: String, CodingKey {
            case context, state, description, commit
            case createdAt = "created_at"
        }
    }
    public struct ReviewAppEntry: Sendable, Codable, Equatable {
        public var app: String
        public var state: String
        public var url: String?
        public var mergeCommit: String?
        enum CodingKeys: String, CodingKey {
            case app, state, url
            case mergeCommit = "merge_commit"
        }
    }
    public struct TestRunEntry: Sendable, Codable, Equatable {
        public var id: String
        public var state: String
        public var commit: String
        public var workers: Int
        public var wallSeconds: Double?
        public var message: String?
        enum CodingKeys: String, CodingKey {
            case id, state, commit, workers, message
            case wallSeconds = "wall_seconds"
        }
    }
    public struct DecisionEntry: Sendable, Codable, Equatable {
        public var verdict: String
        public var reason: String
        public var mergeCommit: String?
        public var decidedAt: Date
        enum CodingKeys: String, CodingKey {
            case verdict, reason
            case mergeCommit = "merge_commit"
            case decidedAt = "decided_at"
        }
    }

    /// A fork pull request's standing under the pipeline's `fork_pull_requests`.
    public struct ForkEntry: Sendable, Codable, Equatable {
        /// The pipeline's setting: `approve`, `run` or `ignore`.
        public var policy: String
        /// True while the current head waits for `slipway pr approve`.
        public var waitingForApproval: Bool
        /// The command that approves the current head, while it waits.
        public var approveCommand: String?
        /// The head the last approval covered, by whom and when.
        public var approvedHead: String?
        public var approvedBy: String?
        public var approvedAt: Date?
        enum CodingKeys: String, CodingKey {
            case policy
            case waitingForApproval = "waiting_for_approval"
            case approveCommand = "approve_command"
            case approvedHead = "approved_head"
            case approvedBy = "approved_by"
            case approvedAt = "approved_at"
        }
    }

    public var pipeline: String
    public var number: Int
    /// `open`, `closed`, `merged`, `stale`.
    public var state: String
    /// Present when the pull request comes from a fork (as its webhook said).
    public var fork: ForkEntry?
    public var branch: String
    public var head: String
    public var target: String
    public var mergeCommit: String?
    public var conflicts: [String]
    /// Latest status of each context on the test merge commit (or the head when there is no merge).
    public var checks: [CheckEntry]
    /// Every status on that commit, oldest first.
    public var checkHistory: [CheckEntry]
    public var reviewApp: ReviewAppEntry?
    public var testRuns: [TestRunEntry]
    /// Whether the gate would merge now, and why not.
    public var mergeable: Bool
    public var gateReason: String
    public var decisions: [DecisionEntry]

    enum CodingKeys: String, CodingKey {
        case pipeline, number, state, fork, branch, head, target, conflicts, checks, mergeable, decisions
        case mergeCommit = "merge_commit"
        case checkHistory = "check_history"
        case reviewApp = "review_app"
        case testRuns = "test_runs"
        case gateReason = "gate_reason"
    }
}

extension PullRequestStatusResource {
    public init(_ overview: PullRequestOverview) {
        let toEntry = { (check: Check) in
            CheckEntry(context: check.context, state: check.state.rawValue, description: check.description,
                       commit: check.commit, createdAt: check.createdAt)
        }
        let record = overview.record
        let fork = record.flatMap { record -> ForkEntry? in
            guard record.fromFork else { return nil }
            return ForkEntry(policy: overview.pipeline.forkPullRequests.rawValue,
                             waitingForApproval: overview.approveCommand != nil, approveCommand: overview.approveCommand,
                             approvedHead: record.approval?.headCommit, approvedBy: record.approval?.approvedBy,
                             approvedAt: record.approval?.approvedAt)
        }
        self.init(
            pipeline: overview.pipeline.name.rawValue, number: overview.number, state: record?.state.rawValue ?? "open",
            fork: fork, branch: record?.branch ?? "pr-\(overview.number)", head: overview.scan.head.hex,
            target: overview.scan.target.hex, mergeCommit: overview.scan.mergeCommit?.hex, conflicts: overview.scan.conflicts,
            checks: overview.latestChecks.map(toEntry), checkHistory: overview.checkHistory.map(toEntry),
            reviewApp: overview.reviewApp.map { app in
                ReviewAppEntry(app: app.name.rawValue, state: app.review?.state.rawValue ?? "unknown",
                               url: overview.reviewAppURL, mergeCommit: app.review?.mergeCommit)
            },
            testRuns: overview.testRuns.map {
                TestRunEntry(id: $0.id, state: $0.state.rawValue, commit: $0.commit, workers: $0.workers,
                             wallSeconds: $0.wallTimeSeconds, message: $0.message)
            },
            mergeable: overview.mergeable, gateReason: overview.gateReason,
            decisions: overview.decisions.map {
                DecisionEntry(verdict: $0.verdict.rawValue, reason: $0.reason, mergeCommit: $0.mergeCommit, decidedAt: $0.decidedAt)
            })
    }
}
