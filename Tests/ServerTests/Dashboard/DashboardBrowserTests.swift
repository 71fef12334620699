import Foundation
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// The dashboard as a person sees it: a seeded service on a real port, each page loaded in headless
/// Chromium (signed in through the login form, so through the session cookie), assertions on the DOM the
/// browser rendered.
@Suite(.serialized)
struct DashboardBrowserTests {
    @Test func aVisitorWithoutATokenGetsTheLoginFormAndNoData() async throws {
        try await DashboardFixture.with { fixture in
            let paths = ["/", "/pipelines/shop", "/pipelines/shop/prs/9", "/test-runs/\(fixture.finishedRunID)", "/apps/shop-staging"]
            let plan = HeadlessChromium.Plan(base: fixture.base, login: nil, pages: paths.map { path in
                HeadlessChromium.Page(path: path, queries: ["form": "form.login-form input[name=token]", "data": ".board, .timeline-svg, .dynos, .pipeline"],
                                      expressions: ["text": "document.body.innerText"])
            })
            let result = try await HeadlessChromium.run(plan)
            #expect(result.pages.count == paths.count)
            for page in result.pages {
                #expect(page.status == 401, "\(page.path)")
                #expect(page.elements("form").count == 1, "\(page.path) shows the login form")
                #expect(page.elements("data").isEmpty, "\(page.path) shows no data")
                let text = page.values["text"] ?? ""
                #expect(!text.contains("shop-staging") && !text.contains("pr-12") && !text.contains("payment_test"), "\(page.path): \(text)")
            }
        }
    }

    @Test func everyPageRendersWhatItShouldInChromium() async throws {
        try await DashboardFixture.with { fixture in
            let run = fixture.finishedRunID
            var runQueries = [
                "rows": "svg.timeline-svg g.tl-row",
                "bars": "svg.timeline-svg rect.tl-bar",
                "failedBars": "svg.timeline-svg rect.tl-bar.failed",
                "barTitles": "svg.timeline-svg rect.tl-bar > title",
                "failedFiles": ".failures code.failed-file",
                "outputs": ".failures pre.output",
                "passed": "[data-count=passed]", "failed": "[data-count=failed]", "flaky": "[data-count=flaky]",
                "efficiency": "[data-stat=efficiency]",
                "live": "main#page[data-live]",
            ]
            for worker in 0..<fixture.finishedRunWorkers {
                runQueries["worker\(worker)"] = "g.tl-row[data-worker='\(worker)'] rect.tl-bar"
            }
            let appQueries = [
                "dynos": "table.dynos tbody tr", "logs": ".logs .log-line", "releaseOutputs": ".releases pre.output",
                "buildOutputs": ".releases pre.build-output",
                "configKeys": "code.config-key", "rate": "[data-stat=rate]", "errorRate": "[data-stat=error-rate]",
            ]
            let plan = HeadlessChromium.Plan(base: fixture.base, login: fixture.token, pages: [
                .init(path: "/apps/shop-staging", queries: appQueries, expressions: ["text": "document.body.innerText"]),
                .init(path: "/", queries: ["pipelines": ".pipeline h2 a", "workers": "#workers table.workers tbody tr.worker",
                                           "workerState": "#workers tr.worker .pill"],
                      expressions: ["text": "document.body.innerText"]),
                .init(path: "/pipelines/shop", queries: [
                    "columns": ".board > .column",
                    "reviewCards": ".column[data-stage=review] article.review-app",
                    "link12": "article.review-app[data-pr='#12'] a.review-url",
                    "ci12": "article.review-app[data-pr='#12'] .check .pill",
                    "ci9": "article.review-app[data-pr='#9'] .check .pill",
                    "state15": "article.review-app[data-pr='#15'] .card-head .pill",
                    "staging": ".column[data-stage=staging] article.app",
                    "production": ".column[data-stage=production] article.app",
                    "runs": "table.runs tbody tr",
                    "live": "main#page[data-live]",
                ], expressions: ["text": "document.body.innerText"]),
                .init(path: "/pipelines/shop/prs/9", queries: [
                    "reason": ".verdict .reason", "checks": "ul.checks li.check", "runLinks": "table.runs a.run-link",
                    "reviewURL": "a.review-url", "history": "ol.check-history li",
                ]),
                .init(path: "/test-runs/\(run)", queries: runQueries, expressions: ["text": "document.body.innerText"]),
                .init(path: "/pipelines/nope", queries: ["heading": "main h1"]),
                // Over a second after the first look: the page can show a rate.
                .init(path: "/apps/shop-staging", pause: 1.2, queries: appQueries),
            ])
            let result = try await HeadlessChromium.run(plan)
            #expect(result.login?.url == fixture.base + "/", "signing in lands on the pipelines")
            try #require(result.pages.count == 7)
            let (firstApp, home, board, pullRequest, testRun, missing, secondApp) =
                (result.pages[0], result.pages[1], result.pages[2], result.pages[3], result.pages[4], result.pages[5], result.pages[6])

            // `/`
            #expect(home.status == 200)
            #expect(home.elements("pipelines").map(\.text) == ["shop"])
            #expect(!(home.values["text"] ?? "").contains("hunter2"), "a credential in the repository URL is never shown")
            // The Workers panel: the registered worker, idle, with its slots and no work.
            let workerRow = try #require(home.elements("workers").first, "the Workers panel lists runner-1")
            #expect(home.elements("workers").count == 1)
            #expect(workerRow.text.contains("runner-1") && workerRow.text.contains("4") && workerRow.text.contains("none"), "\(workerRow.text)")
            #expect(home.elements("workerState").map(\.text) == ["idle"])

            // `/pipelines/shop`: the board.
            #expect(board.status == 200)
            #expect(board.elements("columns").map { $0.attrs["data-stage"] } == ["review", "staging", "production"])
            #expect(board.elements("reviewCards").count == 3)
            let link = try #require(board.elements("link12").first, "PR 12's review app URL is a link")
            #expect(link.tag == "a")
            #expect(link.href == "http://pr-12.shop.localhost:\(fixture.routerPort)/")
            #expect(link.text == link.href)
            #expect(board.elements("ci12").map(\.text) == ["success"])
            #expect(board.elements("ci9").map(\.text) == ["failure"])
            #expect(board.elements("state15").map(\.text) == ["creating"])
            #expect(board.elements("runs").count == 2)
            #expect(board.elements("live").count == 1, "a run is going: the board refreshes itself")
            let boardText = board.values["text"] ?? ""
            #expect(!boardText.contains(DashboardFixture.reviewSecret))
            if requiredInCI(FixturePython.isAvailable) {
                let staging = try #require(board.elements("staging").first)
                #expect(staging.text.contains("shop-staging") && staging.text.contains("v2") && staging.text.contains("web×1"), "\(staging.text)")
                #expect(staging.text.contains("1/1 up"), "\(staging.text)")
                #expect(board.elements("production").first?.text.contains("v1") == true)
            }

            // `/pipelines/shop/prs/9`
            #expect(pullRequest.status == 200)
            #expect(pullRequest.elements("reason").map(\.text) == ["check ci failed"])
            #expect(pullRequest.elements("checks").first?.text.contains("failure") == true)
            #expect(pullRequest.elements("history").count == 3, "queued, failure on the review app's merge commit; the run's failure")
            #expect(pullRequest.elements("runLinks").map(\.href) == ["/test-runs/\(run)"])
            #expect(pullRequest.elements("reviewURL").first?.href == "http://pr-9.shop.localhost:\(fixture.routerPort)/")

            // `/test-runs/<id>`: one row per worker, one bar per file, the failing file listed.
            #expect(testRun.status == 200)
            #expect(testRun.elements("rows").count == fixture.finishedRunWorkers)
            #expect(testRun.elements("bars").count == fixture.finishedRunFiles.count)
            for worker in 0..<fixture.finishedRunWorkers {
                let files = fixture.finishedRunFiles.filter { $0.worker == worker }
                let bars = testRun.elements("worker\(worker)")
                #expect(bars.count == files.count, "worker \(worker)")
                // A worker's bars never overlap (worker 3 has no offsets: laid end to end).
                let spans = bars.compactMap { bar -> (Double, Double)? in
                    guard let x = Self.percent(bar.attrs["x"]), let width = Self.percent(bar.attrs["width"]) else { return nil }
                    return (x, x + width)
                }.sorted { $0.0 < $1.0 }
                #expect(spans.count == files.count)
                for (earlier, later) in zip(spans, spans.dropFirst()) {
                    #expect(later.0 >= earlier.1 - 0.001, "worker \(worker): bars overlap \(spans)")
                }
            }
            #expect(testRun.elements("failedBars").count == 1)
            #expect(testRun.elements("barTitles").contains { $0.text == "\(DashboardFixture.failingFile) — 4.80 s, failed (worker 1)" },
                    "hovering a bar names its file and duration")
            #expect(testRun.elements("failedFiles").map(\.text) == [DashboardFixture.failingFile, "tests/ui/login_test.sh"])
            let output = testRun.elements("outputs").first?.text ?? ""
            #expect(output.contains("FAIL: rounding of the order total"))
            #expect(output.contains("••••"), "a review secret printed by a test is masked")
            #expect(!(testRun.values["text"] ?? "").contains(DashboardFixture.reviewSecret))
            #expect(testRun.elements("passed").map(\.text) == ["14"])
            #expect(testRun.elements("failed").map(\.text) == ["1"])
            #expect(testRun.elements("flaky").map(\.text) == ["1"])
            let seconds = fixture.finishedRunFiles.map(\.seconds)
            let bound = max(seconds.reduce(0, +) / Double(fixture.finishedRunWorkers), seconds.max() ?? 0)
            #expect(testRun.elements("efficiency").map(\.text) == ["\(Int((bound / 7.4 * 100).rounded())) %"])
            #expect(testRun.elements("live").isEmpty, "a finished run does not refresh")

            #expect(missing.status == 404)
            #expect(missing.elements("heading").map(\.text) == ["Not found"])

            // `/apps/shop-staging`: releases with release-phase output, dynos, logs, traffic; no secret value.
            for app in [firstApp, secondApp] {
                #expect(app.status == 200)
                #expect(app.elements("configKeys").map(\.text) == ["DATABASE_URL", "GREETING"])
                #expect(app.elements("rate").count == 1 && app.elements("errorRate").count == 1)
            }
            #expect(!(firstApp.values["text"] ?? "").contains(DashboardFixture.databasePassword), "a config var value is never shown")
            if requiredInCI(FixturePython.isAvailable) {
                let dyno = try #require(firstApp.elements("dynos").first)
                #expect(dyno.text.contains("web.1") && dyno.text.contains("up"), "\(dyno.text)")
                #expect(firstApp.elements("logs").contains { $0.text.contains("listening on") })
                let releaseOutput = firstApp.elements("releaseOutputs").first?.text ?? ""
                #expect(releaseOutput.contains("migrations: 3 applied"))
                #expect(releaseOutput.contains("••••"), "\(releaseOutput)")
                let buildOutput = firstApp.elements("buildOutputs").first?.text ?? ""
                #expect(buildOutput.contains("-----> Building ") && buildOutput.contains("succeeded"), "the release's build output: \(buildOutput)")
                // The second look has a rate: requests per second since the first.
                let rate = secondApp.elements("rate").first?.text ?? ""
                #expect(rate.range(of: #"^\d+\.\d\d req/s"#, options: .regularExpression) != nil, "\(rate)")
            }
        }
    }

    /// A running test run's page updates by itself when the run finishes: the timeline appears in the same
    /// document (no reload: a script variable set before survives), and the page stops polling.
    @Test func aRunningRunsPageUpdatesInPlaceWhenItFinishes() async throws {
        try await DashboardFixture.with { fixture in
            let signal = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-live-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: signal) }
            let plan = HeadlessChromium.Plan(base: fixture.base, login: fixture.token, pages: [
                .init(path: "/test-runs/\(fixture.runningRunID)",
                      queries: ["bars": "svg.timeline-svg rect.tl-bar", "failed": ".failures code.failed-file"],
                      expressions: ["mark": "window.slipwayMark", "live": "document.getElementById('page').hasAttribute('data-live')"],
                      before: ["bars": "document.querySelectorAll('rect.tl-bar').length",
                               "live": "document.getElementById('page').hasAttribute('data-live')",
                               "mark": "(window.slipwayMark = 'same document')"],
                      signal: signal.path, waitFor: "svg.timeline-svg rect.tl-bar.failed"),
            ])
            let browsing = Task { try await HeadlessChromium.run(plan) }
            // Once the browser shows the running run, it finishes.
            let deadline = ContinuousClock.now + .seconds(60)
            while !FileManager.default.fileExists(atPath: signal.path) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            var run = try await fixture.service.store.testRun(id: fixture.runningRunID)
            run.state = .failed
            run.finishedAt = Date()
            run.wallTimeSeconds = 3
            run.fileResults = [
                TestFileResult(path: "tests/a_test.sh", worker: 0, seconds: 1, status: .passed, startOffsetSeconds: 0.1),
                TestFileResult(path: "tests/b_test.sh", worker: 1, seconds: 2.5, status: .failed, failure: "boom", startOffsetSeconds: 0.1),
                TestFileResult(path: "tests/c_test.sh", worker: 0, seconds: 1.5, status: .passed, startOffsetSeconds: 1.2),
            ]
            _ = try await fixture.service.store.updateTestRun(run)

            let page = try #require(try await browsing.value.pages.first)
            #expect(page.before["bars"] == "0" && page.before["live"] == "true", "the running run was shown first: \(page.before)")
            #expect(page.elements("bars").count == 3)
            #expect(page.elements("failed").map(\.text) == ["tests/b_test.sh"])
            #expect(page.values["mark"] == "same document", "the page was updated in place, not reloaded")
            #expect(page.values["live"] == "false", "a finished run stops polling")
        }
    }

    /// `12.345%` → 12.345.
    static func percent(_ attribute: String?) -> Double? {
        guard let attribute, attribute.hasSuffix("%") else { return nil }
        return Double(attribute.dropLast())
    }
}
