import EdgeRouter
import Foundation
import Orchestration
import Platform
import SlipwayModel
import Store
import TestRunner

/// What page builders read from: the store, the runtime (dynos, logs, the router's counters) when the
/// service runs one, and the time the page is made at.
struct DashboardData: Sendable {
    let store: any SlipwayStore
    let deployer: Deployer?
    let rates: RequestRates
    /// The service's lease board of remote test workers (nil: a service without one).
    let workers: LeaseBoard?
    let now: Date

    func age(_ date: Date) -> Age {
        Age(text: DisplayFormat.age(of: date, now: now), exact: DisplayFormat.timestamp(date),
            machine: DisplayFormat.machineTime(date))
    }

    /// The router's port, for review-app URLs (`http://<host>:<port>/`).
    var routerPort: Int? { deployer?.runtimes.router.port }

    /// `http://pr-12.shop.localhost:5000/` for a review app's router host; nil before it has one.
    func reviewURL(host: String?) -> Link? {
        guard let host, !host.isEmpty else { return nil }
        let url = ReviewAppNaming.url(host: host, routerPort: routerPort, httpsPort: deployer?.routerHTTPSPort)
        return Link(text: url, href: url)
    }

    /// The dynos the runtime runs for the app, or nil when this service has no runtime.
    func runningDynos(app: ResourceName) async -> [DynoStatus]? {
        guard let deployer else { return nil }
        guard let runtime = await deployer.runtimes.existing(app.rawValue) else { return [] }
        return await runtime.statuses()
    }

    /// The app's formation: as set through the API, else (the usual case: the Procfile's defaults) what the
    /// runtime runs, counted by process type.
    func formation(app: ResourceName) async throws -> [FormationEntry] {
        let stored = try await store.formation(app: app)
        if !stored.isEmpty { return stored }
        guard let dynos = await runningDynos(app: app), !dynos.isEmpty else { return [] }
        let newest = dynos.map(\.release).max() ?? 0
        var counts: [String: Int] = [:]
        for dyno in dynos where dyno.release == newest && dyno.state != .stopped {
            counts[String(dyno.name.prefix { $0 != "." }), default: 0] += 1
        }
        return counts.keys.sorted().map { FormationEntry(processType: $0, quantity: counts[$0]!) }
    }

    /// The app's most recent log lines, oldest first (empty without a runtime).
    /// The build running now for `app` (a deploy or review app build), with its output so far.
    func runningBuild(app: ResourceName) async -> (id: String, output: String)? {
        guard let builds = deployer?.builds else { return nil }
        guard let id = await builds.runningBuilds().first(where: { $0.value.label == app.rawValue })?.key else { return nil }
        return (id, await builds.outputTail(of: id))
    }

    func logLines(app: ResourceName, count: Int) async -> [LogLine] {
        guard let deployer, let runtime = await deployer.runtimes.existing(app.rawValue) else { return [] }
        return runtime.log.recent(count)
    }

    /// Requests, errors and rates the router measured for the app, or nil without a runtime.
    func traffic(app: ResourceName) async -> RequestRates.Traffic? {
        guard let deployer else { return nil }
        let snapshot = await deployer.runtimes.router.metrics()
        return await rates.observe(app: app.rawValue, counters: .init(snapshot.apps[app.rawValue]), now: now)
    }

    /// Links inside Slipway's own pages.
    enum Paths {
        static func pipeline(_ name: ResourceName) -> String { "/pipelines/\(name.rawValue)" }
        static func pullRequest(_ pipeline: ResourceName, _ number: Int) -> String { "/pipelines/\(pipeline.rawValue)/prs/\(number)" }
        static func app(_ name: ResourceName) -> String { "/apps/\(name.rawValue)" }
        static func testRun(_ id: String) -> String {
            "/test-runs/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id)
        }
    }
}
