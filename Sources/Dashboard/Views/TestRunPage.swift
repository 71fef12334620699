import Foundation
import Processes
import SlipwayModel
import Store

/// `/test-runs/<id>`: what a run found and where its time went: counts, wall time against the lower bound,
/// the shards as a timeline (one row per worker, one bar per file), and every failure with its output.
struct TestRunPage: DashboardPage {
    static let template = "test-run"

    struct Failure: Sendable {
        var path: String
        var status: Badge
        var worker: String
        var attempts: Int
        var seconds: String
        var output: String?
    }

    struct SlowFile: Sendable {
        var path: String
        var status: Badge
        var worker: String
        var seconds: String
    }

    var chrome: PageChrome
    var id: String
    var shortID: String
    var pipeline: String
    var pipelineHref: String
    var pullRequest: String?
    var pullRequestHref: String?
    var branch: String?
    var commit: String
    var state: Badge
    var split: String
    var workers: Int
    var passed: Int
    var failed: Int
    var flaky: Int
    var total: Int
    var wall: String
    var lowerBound: String
    var efficiency: String?
    var message: String?
    var started: Age?
    var timeline: TimelineSVG
    var failures: [Failure]
    var slowest: [SlowFile]

    static let failureTailLines = 40
    static let slowestShown = 10

    static func load(_ data: DashboardData, id: String) async throws -> TestRunPage {
        let store = data.store
        let run = try await store.testRun(id: id)
        let pipeline = try await store.pipeline(named: run.pipeline)
        // Test output may print the review config vars (the pipeline's secrets): never show them.
        let mask = SecretMasker(configs: [pipeline.reviewConfigVars])
        let counts = FileCounts(run.fileResults)
        let layout = TimelineLayout(results: run.fileResults, workers: run.workers)
        let wall = RunTimes(run).wall ?? layout.span
        let efficiency = RunEfficiency(results: run.fileResults, workers: run.workers, wall: wall)

        let failures = run.fileResults.filter { $0.status != .passed }
            .sorted { ($0.status == .failed ? 0 : 1, $0.path) < ($1.status == .failed ? 0 : 1, $1.path) }
            .map { file in
                Failure(path: file.path, status: Tones.file(file.status), worker: "w\(file.worker)", attempts: file.attempts,
                        seconds: DisplayFormat.duration(file.seconds),
                        output: file.failure.map { mask.apply(DisplayFormat.tail($0, lines: failureTailLines)) })
            }
        let slowest = run.fileResults.sorted { ($0.seconds, $1.path) > ($1.seconds, $0.path) }.prefix(slowestShown).map {
            SlowFile(path: $0.path, status: Tones.file($0.status), worker: "w\($0.worker)", seconds: DisplayFormat.duration($0.seconds))
        }
        let shortID = String(run.id.prefix(8))
        var crumbs: [PageChrome.Crumb] = [.init(label: "Pipelines", href: "/"),
                                          .init(label: run.pipeline.rawValue, href: DashboardData.Paths.pipeline(run.pipeline))]
        if let number = run.prNumber {
            crumbs.append(.init(label: "PR #\(number)", href: DashboardData.Paths.pullRequest(run.pipeline, number)))
        }
        crumbs.append(.init(label: "run \(shortID)"))
        return TestRunPage(
            chrome: PageChrome(title: "Test run \(shortID)", crumbs: crumbs, live: !run.state.isFinished),
            id: run.id, shortID: shortID, pipeline: run.pipeline.rawValue, pipelineHref: DashboardData.Paths.pipeline(run.pipeline),
            pullRequest: run.prNumber.map { "#\($0)" },
            pullRequestHref: run.prNumber.map { DashboardData.Paths.pullRequest(run.pipeline, $0) },
            branch: run.branch, commit: DisplayFormat.shortID(run.commit), state: Tones.testRun(run.state),
            split: run.split ?? "–", workers: run.workers,
            passed: counts.passed, failed: counts.failed, flaky: counts.flaky, total: counts.total,
            wall: RunTimes(run).wall.map(DisplayFormat.duration) ?? (run.state.isFinished ? "–" : "running"),
            lowerBound: DisplayFormat.duration(efficiency.lowerBound),
            efficiency: counts.total > 0 ? efficiency.ratio.map(DisplayFormat.percent) : nil,
            message: run.message.map(mask.apply), started: run.startedAt.map(data.age),
            timeline: TimelineSVG(layout: layout, length: max(wall, layout.span)),
            failures: failures, slowest: Array(slowest))
    }
}

/// The timeline's geometry, ready for the SVG template. Horizontal positions are percentages of the SVG's
/// width, so the drawing fills any screen without scaling its text; vertical ones are pixels.
struct TimelineSVG: Sendable {
    struct Row: Sendable {
        var worker: Int
        var label: String
        var laneY: Int
        var textY: Int
        var busy: String
        var files: Int
        var bars: [Bar]
    }

    struct Bar: Sendable {
        var x: String
        var width: String
        var y: Int
        var height: Int
        var status: String
        /// Hover text: file, duration, status, worker.
        var tooltip: String
    }

    struct Tick: Sendable {
        var x: String
        var label: String
        var anchor: String
    }

    /// Where the bars' area starts and how wide it is, in percent of the SVG's width (labels sit left of it).
    static let barsLeft = 8.0
    static let barsWidth = 91.5
    static let axisHeight = 22
    static let rowHeight = 24
    static let rowGap = 8
    /// A bar is at least this wide (percent) so a file of a few milliseconds can still be seen and hovered.
    static let minimumBarWidth = 0.3

    var height: Int
    var gridTop: Int
    var laneX = "\(TimelineSVG.barsLeft)%"
    var laneWidth = "\(TimelineSVG.barsWidth)%"
    var laneHeight = TimelineSVG.rowHeight
    var rows: [Row]
    var ticks: [Tick]
    var hasBars: Bool

    init(layout: TimelineLayout, length: Double) {
        let length = length > 0 ? length : 1
        func x(_ seconds: Double) -> Double { Self.barsLeft + Self.barsWidth * min(max(seconds / length, 0), 1) }
        func percent(_ value: Double) -> String { String(format: "%.3f%%", value) }

        gridTop = Self.axisHeight - 4
        rows = layout.rows.enumerated().map { index, row in
            let laneY = Self.axisHeight + index * (Self.rowHeight + Self.rowGap)
            let bars = row.bars.map { bar in
                let start = x(bar.start)
                let width = max(x(bar.end) - start, Self.minimumBarWidth)
                let retried = bar.attempts > 1 ? ", \(bar.attempts) attempts" : ""
                return Bar(x: percent(min(start, Self.barsLeft + Self.barsWidth - width)), width: percent(width),
                           y: laneY + 2, height: Self.rowHeight - 4, status: bar.status.rawValue,
                           tooltip: "\(bar.path) — \(DisplayFormat.duration(bar.seconds)), \(bar.status.rawValue)\(retried) (worker \(bar.worker))")
            }
            return Row(worker: row.worker, label: "w\(row.worker)", laneY: laneY, textY: laneY + Self.rowHeight / 2 + 4,
                       busy: DisplayFormat.duration(row.busySeconds), files: row.bars.count, bars: bars)
        }
        height = Self.axisHeight + max(rows.count, 1) * (Self.rowHeight + Self.rowGap)
        let values = TimelineTicks.values(for: length)
        ticks = values.enumerated().map { index, value in
            Tick(x: percent(x(value)), label: DisplayFormat.tickLabel(value),
                 anchor: index == 0 ? "start" : (x(value) > 96 ? "end" : "middle"))
        }
        hasBars = rows.contains { !$0.bars.isEmpty }
    }
}

extension DisplayFormat {
    /// `0`, `0.5 s`, `10 s`, `2 min`: an axis label.
    static func tickLabel(_ seconds: Double) -> String {
        if seconds == 0 { return "0" }
        if seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60)) min" }
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return String(format: "%.1f s", seconds)
    }
}
