import Foundation
import GitKit
import Platform
import SlipwayModel

/// What `slipway pr approve` answers.
public struct ApprovalOutcome: Sendable, Codable, Equatable {
    public var pipeline: String
    public var number: Int
    /// The head commit the approval covers; a later push needs a new approval.
    public var head: String
    public var approvedBy: String
    public var approvedAt: Date

    enum CodingKeys: String, CodingKey {
        case pipeline, number, head
        case approvedBy = "approved_by"
        case approvedAt = "approved_at"
    }
}

/// Why an approval was refused: the pull request is unknown (`notFound`), or it cannot be approved now (the rest).
public struct ApprovalRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case notFound = "not_found"
        case notAFork = "not_a_fork"
        case notOpen = "not_open"
        case forksIgnored = "forks_ignored"
        case headMoved = "head_moved"
    }
    public var reason: Reason
    public var message: String
    public var description: String { message }
}

/// Fork pull requests under the pipeline's `fork_pull_requests` setting: held (`approve`) until a person
/// approves the current head, dropped (`ignore`), or run like any other (`run`).
///
/// Whether a pull request is from a fork is known only from its webhook (`head.repo` differs from the base
/// repository); the flag is persisted on the record, and a poll never clears it. A pull request seen only by
/// polling (refs carry no origin) counts as the pipeline's own.
extension PullRequestFlow {
    /// The `ci` description of a fork pull request waiting for approval.
    static let waitingForApproval = "waiting for approval"

    /// Approves the pull request's current head (as its record names it) for building, testing and deploying.
    public func approve(pipeline name: ResourceName, number: Int, by token: String) async throws -> ApprovalOutcome {
        let pipeline = try await store.pipeline(named: name)
        guard let record = try await store.pullRequest(pipeline: name, number: number) else {
            throw ApprovalRefusal(reason: .notFound, message: "pipeline \(name) has no pull request #\(number) that Slipway has seen")
        }
        guard record.fromFork else {
            throw ApprovalRefusal(reason: .notAFork, message: "pull request #\(number) is not from a fork: it needs no approval")
        }
        guard record.state == .open || record.state == .stale else {
            throw ApprovalRefusal(reason: .notOpen, message: "pull request #\(number) is \(record.state.rawValue): there is nothing to approve")
        }
        guard pipeline.forkPullRequests != .ignore else {
            throw ApprovalRefusal(reason: .forksIgnored, message:
                "pipeline \(name) ignores pull requests from forks (fork_pull_requests: ignore); "
                + "set it to approve first: slipway pipelines update \(name) --fork-pull-requests approve")
        }
        let approval = ForkApproval(headCommit: record.headCommit, approvedBy: token, approvedAt: Date())
        let stored = try await store.updatePullRequest(pipeline: name, number: number) { current in
            // Approves the head read above; a push that landed meanwhile is not covered.
            guard current?.headCommit == approval.headCommit else { current = nil; return }
            current?.approval = approval
        }
        guard let covered = stored?.approval, covered.headCommit == approval.headCommit else {
            throw ApprovalRefusal(reason: .headMoved,
                                  message: "pull request #\(number) got a new push while approving; look at it and approve again")
        }
        logger.notice("fork pull request approved", metadata: [
            "pipeline": "\(name)", "pr": "\(number)", "head": "\(approval.headCommit)", "by": "\(token)"])
        requestReconcile(name)
        return ApprovalOutcome(pipeline: name.rawValue, number: number, head: covered.headCommit,
                               approvedBy: covered.approvedBy, approvedAt: covered.approvedAt)
    }

    /// Holds an open fork pull request that may not run: no test run, no new deploy, and (under `approve`) its
    /// `ci` check pending "waiting for approval" on the head and on the test merge. A review app deployed from
    /// an earlier approved head keeps running that code; under `ignore` it is destroyed.
    func hold(_ record: PullRequestRecord, status: PullRequestStatus?, policy: ForkPullRequestPolicy, pipeline: ResourceName,
              retire retireWork: Bool) async throws {
        let key = PullRequestKey(pipeline: pipeline.rawValue, number: record.number)
        if policy == .ignore {
            if retireWork { retire(key) }
            return
        }
        cancelTestRun(key)
        for commit in Set([record.headCommit] + (status?.mergeCommit.map { [$0.hex] } ?? [])) {
            try await checks.recordIfChanged(pipeline: pipeline, commit: commit, state: .pending,
                                             description: Self.waitingForApproval)
        }
    }

    /// The command that approves a waiting pull request, as `pr status` and the dashboard show it.
    public static func approveCommand(pipeline: String, number: Int) -> String {
        "slipway pr approve \(number) --pipeline \(pipeline)"
    }
}
