import Foundation
import Processes
import SlipwayModel
import Store

/// `/apps/<name>`: releases (with what the release phase printed), dynos and their state, the most recent
/// log lines, and the traffic the router measured. Config vars appear by key only: no value of one is ever
/// on the page, and log or release output that repeats one is masked.
struct AppPage: DashboardPage {
    static let template = "app"

    struct ReleaseRow: Sendable {
        var label: String
        var summary: String
        var state: Badge
        var build: String?
        var sourceCommit: String?
        var age: Age
        var output: String?
        /// The last lines of the release's build (its steps and installer output).
        var buildOutput: String?
        var isCurrent: Bool
        var anchor: String
    }

    struct DynoRow: Sendable {
        var name: String
        var state: Badge
        var release: String
        var port: String
        var restarts: Int
    }

    struct FormationRow: Sendable {
        var type: String
        var quantity: Int
        var size: String
    }

    struct LogRow: Sendable {
        var time: String
        var source: String
        var text: String
    }

    struct Traffic: Sendable {
        var total: String
        var rate: String
        var errorRate: String
        var window: String?
        var serverErrors: String
        var latency: String?
        var inFlight: Int
    }

    struct Review: Sendable {
        var number: String
        var prHref: String
        var branch: String
        var state: Badge
        var url: Link?
    }

    /// A build running now for this app: its id and output so far (the page refreshes while it runs).
    struct RunningBuild: Sendable {
        var id: String
        var output: String
    }

    var chrome: PageChrome
    var name: String
    var building: RunningBuild?
    var pipeline: String?
    var pipelineHref: String?
    var stage: String?
    var review: Review?
    var current: String?
    var releases: [ReleaseRow]
    var hasReleases: Bool
    var formation: [FormationRow]
    var hasFormation: Bool
    var dynos: [DynoRow]
    var hasDynos: Bool
    var configKeys: [String]
    var hasConfigKeys: Bool
    var logs: [LogRow]
    var hasLogs: Bool
    var traffic: Traffic?
    var addOns: AddOnsPanel?

    static let releasesShown = 20
    static let logLinesShown = 100
    static let outputTailLines = 60

    static func load(_ data: DashboardData, app name: ResourceName) async throws -> AppPage {
        let store = data.store
        let app = try await store.app(named: name)
        let config = try await store.configVars(app: name)
        let secrets = try await store.generatedSecrets(app: name)
        var reviewConfig: [String: String] = [:]
        if app.stage == .review, let pipeline = app.pipeline {
            reviewConfig = try await store.pipeline(named: pipeline).reviewConfigVars
        }
        let releases = try await store.releases(app: name, limit: releasesShown)
        // Every value any shown release ran with, as well as the current ones.
        let mask = SecretMasker(configs: [config, secrets, reviewConfig] + releases.map(\.config))
        let current = try await store.currentRelease(app: name)
        var live = releases.contains { $0.state == .pending } || app.review?.state == .creating

        var releaseRows: [ReleaseRow] = []
        for release in releases {
            var commit: String?
            var buildOutput: String?
            if let buildID = release.buildID, let build = try? await store.build(id: buildID) {
                if case .commit(let id) = build.source { commit = DisplayFormat.shortID(id) }
                buildOutput = build.outputTail.isEmpty ? nil : mask.apply(build.outputTail)
            }
            releaseRows.append(ReleaseRow(
                label: release.label, summary: release.description, state: Tones.release(release.state),
                build: release.buildID.map(DisplayFormat.shortID), sourceCommit: commit,
                age: data.age(release.createdAt),
                output: release.releasePhaseOutput.flatMap { $0.isEmpty ? nil : mask.apply(DisplayFormat.tail($0, lines: outputTailLines)) },
                buildOutput: buildOutput,
                isCurrent: release.version == current?.version, anchor: "release-\(release.label)"))
        }

        let building = await data.runningBuild(app: name).map {
            RunningBuild(id: $0.id, output: mask.apply(DisplayFormat.tail($0.output, lines: outputTailLines)))
        }
        if building != nil { live = true }

        var dynoRows: [DynoRow] = []
        let running = await data.runningDynos(app: name)
        if let running {
            dynoRows = running.map {
                DynoRow(name: $0.name, state: Tones.dyno($0.state.rawValue), release: "v\($0.release)", port: "\($0.port)",
                        restarts: $0.restarts)
            }
        } else {
            // No runtime in this process (an API-only server): what the store last recorded.
            dynoRows = try await store.dynos(app: name).filter { $0.state != .stopped }.map {
                DynoRow(name: $0.name, state: Tones.dyno($0.state.rawValue), release: "v\($0.releaseVersion)",
                        port: $0.port.map(String.init) ?? "–", restarts: 0)
            }
        }
        if !dynoRows.isEmpty { live = true }

        let logs = await data.logLines(app: name, count: logLinesShown).map {
            LogRow(time: DisplayFormat.logTime($0.time), source: $0.source, text: mask.apply($0.text))
        }
        let traffic = await data.traffic(app: name).map(Self.traffic)
        let addOns = await AddOnsPanel.load(data, app: app, current: current)
        let formation = try await data.formation(app: name).map {
            FormationRow(type: $0.processType, quantity: $0.quantity, size: $0.size)
        }

        var crumbs: [PageChrome.Crumb] = [.init(label: "Pipelines", href: "/")]
        if let pipeline = app.pipeline {
            crumbs.append(.init(label: pipeline.rawValue, href: DashboardData.Paths.pipeline(pipeline)))
        }
        crumbs.append(.init(label: name.rawValue))
        return AppPage(
            chrome: PageChrome(title: name.rawValue, crumbs: crumbs, live: live),
            name: name.rawValue, building: building, pipeline: app.pipeline?.rawValue, pipelineHref: app.pipeline.map(DashboardData.Paths.pipeline),
            stage: app.stage?.rawValue,
            review: app.review.flatMap { review in
                app.pipeline.map { pipeline in
                    Review(number: "#\(review.prNumber)", prHref: DashboardData.Paths.pullRequest(pipeline, review.prNumber),
                           branch: review.branch, state: Tones.review(review.state),
                           url: review.state == .destroyed ? nil : data.reviewURL(host: review.urlHost))
                }
            },
            current: current.map { "\($0.label) · \($0.description)" },
            releases: releaseRows, hasReleases: !releaseRows.isEmpty,
            formation: formation, hasFormation: !formation.isEmpty,
            dynos: dynoRows, hasDynos: !dynoRows.isEmpty,
            configKeys: config.keys.sorted(), hasConfigKeys: !config.isEmpty,
            logs: logs, hasLogs: !logs.isEmpty, traffic: traffic, addOns: addOns)
    }

    static func traffic(_ measured: RequestRates.Traffic) -> Traffic {
        let rate = measured.requestsPerSecond.map { String(format: "%.2f req/s", $0) } ?? "measuring…"
        let errorRate: String
        if let ratio = measured.errorRatio {
            errorRate = String(format: "%.1f %%", ratio * 100)
        } else if measured.requestsPerSecond != nil {
            errorRate = "no requests"
        } else if measured.totalRequests > 0 {
            errorRate = String(format: "%.1f %% since start", Double(measured.serverErrors) / Double(measured.totalRequests) * 100)
        } else {
            errorRate = "no requests"
        }
        return Traffic(
            total: "\(measured.totalRequests)", rate: rate, errorRate: errorRate,
            window: measured.windowSeconds.map { "over the last \(Int($0.rounded())) s" },
            serverErrors: "\(measured.serverErrors)",
            latency: measured.meanLatencySeconds.map { String(format: "%.1f ms", $0 * 1000) }, inFlight: measured.inFlight)
    }
}

extension DisplayFormat {
    /// `20:31:02.120`, UTC: log lines are recent, the date would only take room.
    static func logTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute, .second, .nanosecond], from: date)
        return String(format: "%02d:%02d:%02d.%03d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0,
                      (parts.nanosecond ?? 0) / 1_000_000)
    }
}
