import Foundation
import SlipwayModel
import Store

/// `/`: every pipeline with what is in it, and the apps that belong to none.
struct PipelinesPage: DashboardPage {
    static let template = "pipelines"

    struct Row: Sendable {
        var name: String
        var href: String
        var repository: String
        var targetBranch: String
        var reviewApps: Int
        var staging: [AppLink]
        var production: [AppLink]
        var lastRun: RunRow?
    }

    struct AppLink: Sendable {
        var name: String
        var href: String
    }

    var chrome: PageChrome
    var pipelines: [Row]
    var standaloneApps: [AppLink]
    /// Stored, not computed: Mustache reads properties through reflection, which sees stored ones only.
    var hasStandaloneApps: Bool
    /// With HTTPS on: a link to `/certificates`, and how many hosts' ACME orders failed.
    var servesHTTPS = false
    var failedCertificateOrders = 0
    var hasFailedCertificateOrders = false
    /// Remote test workers and queued runs; nil when there are neither.
    var workers: WorkersPanel?

    static func load(_ data: DashboardData) async throws -> PipelinesPage {
        let store = data.store
        var rows: [Row] = []
        var live = false
        let pipelines = try await store.pipelines()
        for pipeline in pipelines {
            let apps = try await store.apps(inPipeline: pipeline.name)
            let lastRun = try await store.testRuns(pipeline: pipeline.name, prNumber: nil, limit: 1).first
            if lastRun.map({ !$0.state.isFinished }) == true { live = true }
            if apps.contains(where: { $0.review?.state == .creating }) { live = true }
            func links(_ stage: AppStage) -> [AppLink] {
                apps.filter { $0.stage == stage }.map { AppLink(name: $0.name.rawValue, href: DashboardData.Paths.app($0.name)) }
            }
            rows.append(Row(
                name: pipeline.name.rawValue, href: DashboardData.Paths.pipeline(pipeline.name),
                repository: DisplayFormat.repository(pipeline.repository), targetBranch: pipeline.targetBranch,
                reviewApps: apps.filter { $0.stage == .review && $0.review?.state != .destroyed }.count,
                staging: links(.staging), production: links(.production),
                lastRun: lastRun.map { RunRow($0, data: data) }))
        }
        let standalone = try await store.apps().filter { $0.pipeline == nil }
            .map { AppLink(name: $0.name.rawValue, href: DashboardData.Paths.app($0.name)) }
        let workers = try await WorkersPanel.load(data, pipelines: pipelines)
        // A queued run or a worker at work changes the page by itself.
        if workers.map({ $0.hasQueued || $0.workers.contains { $0.hasWork } }) == true { live = true }
        return PipelinesPage(chrome: PageChrome(title: "Pipelines", live: live), pipelines: rows, standaloneApps: standalone,
                             hasStandaloneApps: !standalone.isEmpty, servesHTTPS: data.servesHTTPS,
                             failedCertificateOrders: data.failedCertificateOrders,
                             hasFailedCertificateOrders: data.failedCertificateOrders > 0, workers: workers)
    }
}
