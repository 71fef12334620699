import Foundation
import SlipwayModel
import Store

/// One test run in a list (board, pull request).
struct RunRow: Sendable {
    var href: String
    var shortID: String
    var pullRequest: String?
    var pullRequestHref: String?
    var branch: String?
    var commit: String
    var state: Badge
    var counts: String
    var wall: String?
    var age: Age

    init(_ run: TestRun, data: DashboardData) {
        href = DashboardData.Paths.testRun(run.id)
        shortID = String(run.id.prefix(8))
        pullRequest = run.prNumber.map { "#\($0)" }
        pullRequestHref = run.prNumber.map { DashboardData.Paths.pullRequest(run.pipeline, $0) }
        branch = run.branch
        commit = DisplayFormat.shortID(run.commit)
        state = Tones.testRun(run.state)
        counts = FileCounts(run.fileResults).summary
        wall = RunTimes(run).wall.map(DisplayFormat.duration)
        age = data.age(run.startedAt ?? run.createdAt)
    }
}

/// Passed, failed and flaky files of a run.
struct FileCounts: Sendable {
    var passed = 0
    var failed = 0
    var flaky = 0

    init(_ results: [TestFileResult]) {
        for result in results {
            switch result.status {
            case .passed: passed += 1
            case .failed: failed += 1
            case .flaky: flaky += 1
            }
        }
    }

    var total: Int { passed + failed + flaky }

    /// `38 passed · 1 failed · 2 flaky` (zero counts left out), or `no results yet`.
    var summary: String {
        guard total > 0 else { return "no results yet" }
        var parts = ["\(passed) passed"]
        if failed > 0 { parts.append("\(failed) failed") }
        if flaky > 0 { parts.append("\(flaky) flaky") }
        return parts.joined(separator: " · ")
    }
}

/// A run's wall time: as the runner measured it, else from its start and finish.
struct RunTimes: Sendable {
    var wall: Double?

    init(_ run: TestRun) {
        if let measured = run.wallTimeSeconds, measured.isFinite, measured >= 0 {
            wall = measured
        } else if let started = run.startedAt, let finished = run.finishedAt {
            wall = max(0, finished.timeIntervalSince(started))
        } else {
            wall = nil
        }
    }
}

/// A decision of the merge gate.
struct DecisionRow: Sendable {
    var pullRequest: String
    var pullRequestHref: String
    var verdict: Badge
    var reason: String
    var commit: String?
    var age: Age

    init(_ decision: GateDecision, data: DashboardData) {
        pullRequest = "#\(decision.prNumber)"
        pullRequestHref = DashboardData.Paths.pullRequest(decision.pipeline, decision.prNumber)
        verdict = Tones.gate(decision.verdict)
        reason = decision.reason
        commit = decision.mergeCommit.map(DisplayFormat.shortID)
        age = data.age(decision.decidedAt)
    }
}

/// A check (commit status) with where to read more.
struct CheckSummaryRow: Sendable {
    var context: String
    var state: Badge
    /// The status's description. (Names of optional fields are unique across the page models: Mustache looks
    /// a missing or nil name up in the enclosing objects, so a nil `href` would pick up the card's.)
    var note: String?
    var commit: String
    /// `merge` or `head`: which of the pull request's commits the status is on.
    var on: String?
    var detailsHref: String?
    var age: Age

    init(_ check: Check, on: String? = nil, data: DashboardData) {
        context = check.context
        state = Tones.check(check.state)
        note = check.description.isEmpty ? nil : check.description
        commit = DisplayFormat.shortID(check.commit)
        self.on = on
        detailsHref = check.targetURL.flatMap(Self.safeLink)
        age = data.age(check.createdAt)
    }

    /// Only our own pages and http(s) URLs become links (never `javascript:`).
    static func safeLink(_ url: String) -> String? {
        if url.hasPrefix("/") && !url.hasPrefix("//") { return url }
        let lower = url.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") ? url : nil
    }
}
