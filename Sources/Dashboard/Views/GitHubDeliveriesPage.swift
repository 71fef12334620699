import Foundation
import SlipwayModel

/// `/github[?state=pending|delivered|superseded|all]`: the GitHub outbox, failed deliveries by default, each with
/// what GitHub answered (never a credential: the settings' secrets are not in a delivery).
struct GitHubDeliveriesPage: DashboardPage {
    static let template = "github"
    static let states = ["failed", "pending", "delivered", "superseded", "all"]

    struct Row: Sendable {
        var id: Int64
        var pipeline: String
        var pipelineHref: String
        var kind: String
        var request: String
        var state: Badge
        var attempts: Int
        var status: String
        var answer: String
        var age: Age
    }

    struct Filter: Sendable {
        var label: String
        var href: String
        var current: Bool
    }

    var chrome: PageChrome
    var state: String
    var rows: [Row]
    var hasRows: Bool
    var filters: [Filter]

    static func load(_ data: DashboardData, state requested: String?) async throws -> GitHubDeliveriesPage {
        let state = requested.flatMap { states.contains($0) ? $0 : nil } ?? "failed"
        let selected: Set<GitHubDeliveryState>? = state == "all" ? nil : GitHubDeliveryState(rawValue: state).map { [$0] }
        let deliveries = try await data.store.gitHubDeliveries(pipeline: nil, states: selected, limit: 200)
        let rows = deliveries.map { delivery in
            Row(id: delivery.id, pipeline: delivery.pipeline.rawValue, pipelineHref: "/pipelines/\(delivery.pipeline)",
                kind: delivery.kind.rawValue.replacingOccurrences(of: "_", with: " "),
                request: "\(delivery.request.method.rawValue) \(delivery.request.path)", state: badge(delivery.state),
                attempts: delivery.attempts, status: delivery.lastStatus.map(String.init) ?? "–",
                answer: delivery.lastResponse ?? "", age: data.age(delivery.createdAt))
        }
        return GitHubDeliveriesPage(
            chrome: PageChrome(title: "GitHub deliveries", crumbs: [.init(label: "Pipelines", href: "/"), .init(label: "GitHub")],
                               live: deliveries.contains { $0.state == .pending }),
            state: state, rows: rows, hasRows: !rows.isEmpty,
            filters: states.map { Filter(label: $0, href: "/github?state=\($0)", current: $0 == state) })
    }

    static func badge(_ state: GitHubDeliveryState) -> Badge {
        switch state {
        case .delivered: Badge("delivered", tone: "ok")
        case .failed: Badge("failed", tone: "bad")
        case .pending: Badge("pending", tone: "run")
        case .superseded: Badge("superseded", tone: "idle")
        }
    }
}
