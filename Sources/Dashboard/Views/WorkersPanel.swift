import Foundation
import SlipwayModel
import TestRunner

/// The pipelines page's Workers panel: each remote test worker with its slots, state (idle, busy, draining,
/// lost), last heartbeat and current work (the run and batch each leased slot serves), and the test runs queued
/// for a slot. Built from the lease board's worker views, which hold no token: the page shows no credential.
struct WorkersPanel: Sendable {
    struct Row: Sendable {
        var name: String
        var slots: Int
        var state: Badge
        var lastHeartbeat: Age
        var work: [Work]
        var hasWork: Bool
    }

    /// One leased slot of the worker.
    struct Work: Sendable {
        var runHref: String
        var runShortID: String
        var slot: Int
        /// `batch 3 (4 files)`, `setting up` or `between batches`.
        var doing: String
    }

    // Stored, not computed: the templates see stored properties only (swift-mustache reads them by reflection).
    var workers: [Row]
    var hasWorkers: Bool
    var queued: [RunRow]
    var hasQueued: Bool

    /// Nil when the service has no worker and no queued run: the page shows no panel.
    static func load(_ data: DashboardData, pipelines: [Pipeline]) async throws -> WorkersPanel? {
        let views = await data.workers?.workerViews() ?? []
        var queued: [RunRow] = []
        for pipeline in pipelines {
            for run in try await data.store.testRuns(pipeline: pipeline.name, prNumber: nil, limit: 50) where run.state == .queued {
                queued.append(RunRow(run, data: data))
            }
        }
        if views.isEmpty && queued.isEmpty { return nil }
        let rows = views.map { view in
            let work = view.work.map { work in
                Work(runHref: DashboardData.Paths.testRun(work.run), runShortID: String(work.run.prefix(8)), slot: work.slot,
                     doing: work.batch.map { "batch \($0) (\(work.files) file\(work.files == 1 ? "" : "s"))" }
                        ?? (work.ready ? "between batches" : "setting up"))
            }
            return Row(name: view.name, slots: view.slots, state: state(view.state), lastHeartbeat: data.age(view.lastHeartbeat),
                       work: work, hasWork: !work.isEmpty)
        }
        return WorkersPanel(workers: rows, hasWorkers: !rows.isEmpty, queued: queued, hasQueued: !queued.isEmpty)
    }

    static func state(_ state: WorkerView.State) -> Badge {
        switch state {
        case .idle: Badge("idle", tone: "idle")
        case .busy: Badge("busy", tone: "run")
        case .draining: Badge("draining", tone: "warn")
        case .lost: Badge("lost", tone: "bad")
        }
    }
}
