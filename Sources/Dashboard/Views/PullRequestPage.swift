import Foundation
import Orchestration
import SlipwayModel
import Store

/// `/pipelines/<name>/prs/<N>`: a pull request as Slipway saw it: its head and test-merge commits, the
/// checks on them with their history, the gate's decisions with reasons, the review app and the test runs.
struct PullRequestPage: DashboardPage {
    static let template = "pull-request"

    struct ReviewApp: Sendable {
        var name: String
        var href: String
        var state: Badge
        var url: Link?
        var lastDeployed: Age?
        var fromFork: Bool
    }

    /// Shown while a fork pull request's current head waits for approval.
    struct Approval: Sendable {
        var head: String
        var command: String
    }

    var chrome: PageChrome
    var approval: Approval?
    var pipeline: String
    var pipelineHref: String
    var number: Int
    var branch: String?
    var headCommit: String?
    var mergeCommit: String?
    var reviewApp: ReviewApp?
    var checks: [CheckSummaryRow]
    var hasChecks: Bool
    var history: [CheckSummaryRow]
    var historyCount: Int
    var verdict: DecisionRow?
    var decisions: [DecisionRow]
    var hasDecisions: Bool
    var runs: [RunRow]
    var hasRuns: Bool

    static func load(_ data: DashboardData, pipeline name: ResourceName, number: Int) async throws -> PullRequestPage {
        let store = data.store
        let pipeline = try await store.pipeline(named: name)
        let record = try await store.pullRequest(pipeline: name, number: number)
        let reviewApp = try await reviewApp(pipeline: name, number: number, store: store)
        let runs = try await store.testRuns(pipeline: name, prNumber: number, limit: 20)
        let decisions = try await store.gateDecisions(pipeline: name, prNumber: number, limit: 20)
        guard record != nil || reviewApp != nil || !runs.isEmpty || !decisions.isEmpty else {
            throw DashboardError.notFound("Slipway knows nothing about pull request #\(number) in pipeline \(name.rawValue)")
        }
        let review = reviewApp?.review
        let head = review?.headCommit ?? record?.headCommit
        let waiting = record.map { $0.state == .open && $0.fromFork && pipeline.forkPullRequests == .approve && !$0.mayRun(under: .approve) } ?? false
        let merge = review?.mergeCommit ?? runs.first?.commit ?? decisions.first?.mergeCommit

        var checks: [CheckSummaryRow] = []
        var history: [CheckSummaryRow] = []
        var live = review?.state == .creating || runs.contains { !$0.state.isFinished }
        var seen = Set<String>()
        // The record's head is the current one: a push after the review app's deploy (a fork waiting again).
        for (commit, label) in [(merge, "merge"), (head, "head"), (record?.headCommit, "head")] {
            guard let commit, seen.insert(commit).inserted else { continue }
            let latest = try await store.latestChecks(pipeline: name, commit: commit)
            if latest.contains(where: { $0.state == .pending }) { live = true }
            checks += latest.sorted { $0.context < $1.context }.map { CheckSummaryRow($0, on: label, data: data) }
            history += try await store.checkHistory(pipeline: name, commit: commit).map { CheckSummaryRow($0, on: label, data: data) }
        }
        history.reverse()

        let decisionRows = decisions.map { DecisionRow($0, data: data) }
        return PullRequestPage(
            chrome: PageChrome(
                title: "PR #\(number) · \(name.rawValue)",
                crumbs: [.init(label: "Pipelines", href: "/"), .init(label: name.rawValue, href: DashboardData.Paths.pipeline(name)),
                         .init(label: "PR #\(number)")],
                live: live),
            approval: waiting ? record.map { Approval(head: DisplayFormat.shortID($0.headCommit),
                                                      command: PullRequestFlow.approveCommand(pipeline: name.rawValue, number: number)) } : nil,
            pipeline: name.rawValue, pipelineHref: DashboardData.Paths.pipeline(name), number: number,
            branch: review?.branch ?? runs.first?.branch ?? record?.branch,
            headCommit: head.map(DisplayFormat.shortID), mergeCommit: merge.map(DisplayFormat.shortID),
            reviewApp: reviewApp.flatMap { app in
                app.review.map { review in
                    ReviewApp(name: app.name.rawValue, href: DashboardData.Paths.app(app.name), state: Tones.review(review.state),
                              url: review.state == .destroyed ? nil : data.reviewURL(host: review.urlHost),
                              lastDeployed: review.lastDeployedAt.map(data.age), fromFork: review.fromFork)
                }
            },
            checks: checks, hasChecks: !checks.isEmpty, history: history, historyCount: history.count,
            verdict: decisionRows.first, decisions: decisionRows, hasDecisions: !decisionRows.isEmpty,
            runs: runs.map { RunRow($0, data: data) }, hasRuns: !runs.isEmpty)
    }

    /// The live review app of the pull request, else the most recent destroyed one.
    static func reviewApp(pipeline: ResourceName, number: Int, store: any SlipwayStore) async throws -> App? {
        if let live = try await store.reviewApp(pipeline: pipeline, prNumber: number) { return live }
        return try await store.apps(inPipeline: pipeline)
            .filter { $0.review?.prNumber == number }
            .max { $0.createdAt < $1.createdAt }
    }
}
