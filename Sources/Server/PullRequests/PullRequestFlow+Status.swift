import Foundation
import GitKit
import Platform
import SlipwayModel
import Store

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

extension PullRequestFlow {
    /// The pull request as it is now: a fresh fetch and test merge, its checks, review app, test runs and the
    /// gate's view.
    public func status(pipeline name: ResourceName, number: Int) async throws -> PullRequestStatusResource {
        let pipeline = try await store.pipeline(named: name)
        let mirror = mirror(for: pipeline)
        let scanned: PullRequestStatus = try await locks.withLock("pipeline:\(name)") {
            guard let status = try await self.refreshAndScan(mirror, pipeline: name).1.pullRequests.first(where: { $0.number == number }) else {
                throw APIError(.notFound, id: "not_found", "pipeline \(name) has no pull request #\(number) (no refs/pull/\(number)/head)")
            }
            return status
        }
        let record = try await store.pullRequest(pipeline: name, number: number)
        let checkCommit = scanned.mergeCommit?.hex ?? scanned.head.hex
        let toEntry = { (check: Check) in
            PullRequestStatusResource.CheckEntry(context: check.context, state: check.state.rawValue,
                                                 description: check.description, commit: check.commit, createdAt: check.createdAt)
        }
        let latest = try await store.latestChecks(pipeline: name, commit: checkCommit)
        let history = try await store.checkHistory(pipeline: name, commit: checkCommit)
        var gateReason: String
        var mergeable = false
        switch GateRule.decide(status: scanned, checks: Dictionary(latest.map { ($0.context, $0.state.rawValue) }, uniquingKeysWith: { _, last in last }),
                               required: settings.requiredChecks) {
        case .merge: mergeable = true; gateReason = "ready: every required check succeeded on \(checkCommit.prefix(7))"
        case .refuse(let reason): gateReason = reason
        }
        if let record, record.state == .closed || record.state == .merged {
            mergeable = false
            gateReason = "pull request #\(number) is \(record.state.rawValue)"
        }
        let reviewApp = try await store.reviewApp(pipeline: name, prNumber: number).map { app in
            PullRequestStatusResource.ReviewAppEntry(
                app: app.name.rawValue, state: app.review?.state.rawValue ?? "unknown",
                url: app.review?.urlHost.map { settings.reviewAppURL(host: $0) }, mergeCommit: app.review?.mergeCommit)
        }
        let runs = try await store.testRuns(pipeline: name, prNumber: number, limit: 5).map {
            PullRequestStatusResource.TestRunEntry(id: $0.id, state: $0.state.rawValue, commit: $0.commit, workers: $0.workers,
                                                   wallSeconds: $0.wallTimeSeconds, message: $0.message)
        }
        let decisions = try await store.gateDecisions(pipeline: name, prNumber: number, limit: 10).map {
            PullRequestStatusResource.DecisionEntry(verdict: $0.verdict.rawValue, reason: $0.reason,
                                                    mergeCommit: $0.mergeCommit, decidedAt: $0.decidedAt)
        }
        let fork = record.flatMap { record -> PullRequestStatusResource.ForkEntry? in
            guard record.fromFork else { return nil }
            let waiting = record.state == .open && pipeline.forkPullRequests == .approve && !record.mayRun(under: .approve)
            return PullRequestStatusResource.ForkEntry(
                policy: pipeline.forkPullRequests.rawValue, waitingForApproval: waiting,
                approveCommand: waiting ? Self.approveCommand(pipeline: name.rawValue, number: number) : nil,
                approvedHead: record.approval?.headCommit, approvedBy: record.approval?.approvedBy,
                approvedAt: record.approval?.approvedAt)
        }
        return PullRequestStatusResource(
            pipeline: name.rawValue, number: number, state: record?.state.rawValue ?? "open", fork: fork,
            branch: record?.branch ?? "pr-\(number)", head: scanned.head.hex, target: scanned.target.hex,
            mergeCommit: scanned.mergeCommit?.hex, conflicts: scanned.conflicts, checks: latest.map(toEntry),
            checkHistory: history.map(toEntry), reviewApp: reviewApp, testRuns: runs, mergeable: mergeable,
            gateReason: gateReason, decisions: decisions)
    }
}
