import Foundation
import GitKit
import Platform
import SlipwayModel

/// A pull request as it is now: its test merge, checks, review app, test runs and the gate's view.
public struct PullRequestOverview: Sendable {
    public var pipeline: Pipeline
    public var number: Int
    /// Nil until the pull request was first recorded.
    public var record: PullRequestRecord?
    /// Its test merge against the target's current tip.
    public var scan: PullRequestStatus
    /// Latest status of each context on the test merge commit (or the head when there is no merge).
    public var latestChecks: [Check]
    /// Every status on that commit, oldest first.
    public var checkHistory: [Check]
    public var reviewApp: App?
    public var reviewAppURL: String?
    /// The newest first.
    public var testRuns: [TestRun]
    public var decisions: [GateDecision]
    /// Whether the gate would merge now, and why not.
    public var mergeable: Bool
    public var gateReason: String
    /// The command that approves a fork's current head, while it waits for approval.
    public var approveCommand: String?
}

extension PullRequestFlow {
    /// The pull request as the last reconciliation left it: its test merge, checks, review app, test runs and
    /// the gate's view. A read: it fetches nothing and writes no ref (`pr sync` fetches); only before the
    /// pipeline's first reconciliation does it fetch the mirror once.
    public func status(pipeline name: ResourceName, number: Int) async throws -> PullRequestOverview {
        let pipeline = try await store.pipeline(named: name)
        let mirror = mirror(for: pipeline)
        if !mirror.exists {
            _ = try await locks.withLock("pipeline:\(name)") { try await self.refreshAndScan(mirror, pipeline: name) }
        }
        let scan: PullRequestScan
        do throws(GitError) {
            scan = try await mirror.read()
        } catch {
            throw OrchestrationError(.repositoryUnavailable, "cannot read pipeline \(name)'s mirror: \(error.message)")
        }
        guard let scanned = scan.pullRequests.first(where: { $0.number == number }) else {
            throw OrchestrationError(.notFound, "pipeline \(name) has no pull request #\(number) (no refs/pull/\(number)/head)")
        }
        let record = try await store.pullRequest(pipeline: name, number: number)
        let checkCommit = scanned.mergeCommit?.hex ?? scanned.head.hex
        let latest = try await store.latestChecks(pipeline: name, commit: checkCommit)
        var gateReason: String
        var mergeable = false
        switch GateRule.decide(status: scanned, checks: CheckRecorder.latestStates(latest), required: settings.requiredChecks) {
        case .merge: mergeable = true; gateReason = "ready: every required check succeeded on \(checkCommit.prefix(7))"
        case .refuse(let refusal): gateReason = refusal.reason
        }
        if let record, record.state == .closed || record.state == .merged {
            mergeable = false
            gateReason = "pull request #\(number) is \(record.state.rawValue)"
        }
        let reviewApp = try await store.reviewApp(pipeline: name, prNumber: number)
        let waiting = record.map { record in
            record.fromFork && record.state == .open && pipeline.forkPullRequests == .approve && !record.mayRun(under: .approve)
        } ?? false
        return PullRequestOverview(
            pipeline: pipeline, number: number, record: record, scan: scanned, latestChecks: latest,
            checkHistory: try await store.checkHistory(pipeline: name, commit: checkCommit), reviewApp: reviewApp,
            reviewAppURL: reviewApp?.review?.urlHost.map { settings.reviewAppURL(host: $0) },
            testRuns: try await store.testRuns(pipeline: name, prNumber: number, limit: 5),
            decisions: try await store.gateDecisions(pipeline: name, prNumber: number, limit: 10),
            mergeable: mergeable, gateReason: gateReason,
            approveCommand: waiting ? Self.approveCommand(pipeline: name.rawValue, number: number) : nil)
    }
}
