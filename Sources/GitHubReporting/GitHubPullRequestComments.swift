import Foundation
import SlipwayModel

/// The one comment Slipway keeps on a pull request (when the pipeline asks for it): the review app's URL, the
/// latest test summary and the gate's view. Created once, then edited in place: every update is the same
/// delivery kind and ordering key, and the sender turns it into a PATCH of the comment the first one created.
/// Waiting updates coalesce, so only the newest text is sent.
struct GitHubPullRequestComments {
    let store: any SlipwayStore
    let sender: GitHubDeliverySender
    let links: DashboardLinks
    let reviewAppURL: @Sendable (String) -> String

    struct Body: Encodable {
        var body: String
    }

    func update(settings: GitHubSettings, prNumber: Int) async throws {
        guard let record = try await store.pullRequest(pipeline: settings.pipeline, number: prNumber) else { return }
        let app = try await store.reviewApp(pipeline: settings.pipeline, prNumber: prNumber)
        let ci = try await store.latestChecks(pipeline: settings.pipeline, commit: record.headCommit).first { $0.context == CheckContext.ci }
        let text = Self.render(prNumber: prNumber, head: record.headCommit, app: app, ci: ci, url: app?.review?.urlHost.map(reviewAppURL),
                               testRunURL: links.absolute(ci?.targetURL))
        let key = "comment:\(prNumber)"
        try await GitHubOutbox(store: store, sender: sender, settings: settings)
            .enqueue(.comment, orderingKey: key, coalesceKey: key, path: "/issues/\(prNumber)/comments", body: Body(body: text))
    }

    static func render(prNumber: Int, head: String, app: App?, ci: Check?, url: String?, testRunURL: String?) -> String {
        var lines = ["### Slipway", ""]
        if let review = app?.review, let url {
            switch review.state {
            case .deployed: lines.append("**Review app:** \(url)")
            case .creating: lines.append("**Review app:** deploying \(head.prefix(7))… (\(url))")
            case .failed: lines.append("**Review app:** the deploy failed; see `slipway logs --app \(app?.name.rawValue ?? "")`")
            case .destroyed: lines.append("**Review app:** destroyed")
            }
        } else {
            lines.append("**Review app:** none")
        }
        let tests = ci.map { check in
            let summary = check.description.isEmpty ? check.state.rawValue : check.description
            return testRunURL.map { "[\(summary)](\($0))" } ?? summary
        } ?? "not run yet"
        lines.append("**Tests (`ci` on \(head.prefix(7))):** \(tests)")
        let gate: String
        switch ci?.state {
        case .success?: gate = "ready to merge: `ci` passed (`slipway pr merge \(prNumber)`)"
        case .failure?: gate = "refuses: check ci failed"
        case .error?: gate = "refuses: check ci errored"
        case .pending?: gate = "waiting: check ci pending"
        case nil: gate = "waiting: check ci missing"
        }
        lines.append("**Merge gate:** \(gate)")
        lines.append("")
        lines.append("<sub>Kept up to date by Slipway: this comment is edited in place.</sub>")
        return lines.joined(separator: "\n")
    }
}
