import Foundation
import Processes
@testable import Dashboard
import SlipwayModel
import Store
import Testing

/// The dashboard's pure parts: timeline placement, efficiency, axis ticks, masking and redaction, the login
/// redirect rule, request rates.
@Suite struct DashboardLogicTests {
    @Test func filesStartAtTheirOffsetAndABatchIsLaidEndToEnd() {
        let layout = TimelineLayout(results: [
            TestFileResult(path: "b.sh", worker: 0, seconds: 1, status: .passed, startOffsetSeconds: 0.5),
            TestFileResult(path: "a.sh", worker: 0, seconds: 2, status: .passed, startOffsetSeconds: 0.5),
            TestFileResult(path: "c.sh", worker: 0, seconds: 1, status: .failed, startOffsetSeconds: 5),
            TestFileResult(path: "d.sh", worker: 2, seconds: 3, status: .flaky, attempts: 2),
        ], workers: 3)
        #expect(layout.rows.map(\.worker) == [0, 1, 2], "one row per worker, idle ones included")
        // a.sh and b.sh came in one batch starting at 0.5 s: path order, end to end.
        #expect(layout.rows[0].bars.map(\.path) == ["a.sh", "b.sh", "c.sh"])
        #expect(layout.rows[0].bars.map(\.start) == [0.5, 2.5, 5])
        #expect(layout.rows[1].bars.isEmpty)
        #expect(layout.rows[2].bars.map(\.start) == [0])
        #expect(layout.span == 6)
    }

    @Test func withoutOffsetsAWorkersFilesFollowEachOther() {
        let layout = TimelineLayout(results: [
            TestFileResult(path: "z.sh", worker: 0, seconds: 1.5, status: .passed),
            TestFileResult(path: "y.sh", worker: 0, seconds: 0.5, status: .passed),
            TestFileResult(path: "x.sh", worker: 1, seconds: 4, status: .passed),
        ], workers: 1)
        #expect(layout.rows.count == 2, "a result on a worker past the run's count still gets a row")
        #expect(layout.rows[0].bars.map(\.path) == ["y.sh", "z.sh"])
        #expect(layout.rows[0].bars.map(\.start) == [0, 0.5])
        #expect(layout.rows[0].busySeconds == 2)
    }

    @Test func efficiencyIsTheLowerBoundOverTheWallTime() {
        let results = [1.0, 1.0, 1.0, 5.0].enumerated().map {
            TestFileResult(path: "f\($0.offset)", worker: $0.offset % 2, seconds: $0.element, status: .passed)
        }
        // 8 s of work on 2 workers is 4 s, but the longest file alone takes 5 s.
        let longest = RunEfficiency(results: results, workers: 2, wall: 6.25)
        #expect(longest.lowerBound == 5)
        #expect(longest.ratio == 0.8)
        let spread = RunEfficiency(results: results, workers: 1, wall: 10)
        #expect(spread.lowerBound == 8 && spread.ratio == 0.8)
        #expect(RunEfficiency(results: [], workers: 4, wall: 0).ratio == nil)
    }

    @Test func timelineGeometryKeepsBarsInsideTheirRow() {
        let layout = TimelineLayout(results: [
            TestFileResult(path: "a.sh", worker: 0, seconds: 0.0001, status: .passed, startOffsetSeconds: 10),
            TestFileResult(path: "b.sh", worker: 1, seconds: 10, status: .failed, startOffsetSeconds: 0),
        ], workers: 2)
        let svg = TimelineSVG(layout: layout, length: 10)
        #expect(svg.rows.count == 2)
        let tiny = svg.rows[0].bars[0]
        #expect(tiny.width == String(format: "%.3f%%", TimelineSVG.minimumBarWidth), "a very short file is still visible")
        let tinyEnd = Double(tiny.x.dropLast())! + Double(tiny.width.dropLast())!
        #expect(tinyEnd <= TimelineSVG.barsLeft + TimelineSVG.barsWidth + 0.0001, "a bar at the very end stays inside the lane")
        #expect(svg.rows[1].bars[0].tooltip == "b.sh — 10.0 s, failed (worker 1)")
        #expect(svg.rows[1].bars[0].y > svg.rows[0].bars[0].y)
        #expect(svg.ticks.map(\.label) == ["0", "2 s", "4 s", "6 s", "8 s", "10 s"])
    }

    @Test func ticksAreRoundNumbers() {
        #expect(TimelineTicks.step(for: 7.4) == 2)
        #expect(TimelineTicks.values(for: 0.35) == [0, 0.1, 0.2, 0.30000000000000004])
        #expect(TimelineTicks.step(for: 200) == 60)
        #expect(DisplayFormat.tickLabel(120) == "2 min")
    }

    @Test func credentialsInARepositoryURLAreRedacted() {
        #expect(DisplayFormat.repository("https://deploy:hunter2@git.example.com/acme/shop.git") == "https://***@git.example.com/acme/shop.git")
        #expect(DisplayFormat.repository("https://u:p@ss/w@rd@host/x") == "https://***@host/x")
        #expect(DisplayFormat.repository("/srv/git/shop.git") == "/srv/git/shop.git")
        #expect(DisplayFormat.repository("https://git.example.com/acme/shop.git") == "https://git.example.com/acme/shop.git")
    }

    @Test func secretsPrintedInOutputAreMasked() {
        let mask = SecretMasker(configs: [["API_KEY": "abcdef123456", "SHORT": "1"], ["LONGER": "abcdef123456789"]])
        #expect(mask.apply("key=abcdef123456789 and abcdef123456, count 1") == "key=•••• and ••••, count 1",
                "the longer value is masked whole; a short one is left alone")
        #expect(SecretMasker.none.apply("nothing") == "nothing")
        var grown = SecretMasker(["first-secret"])
        grown.add(["second-secret", "tiny"])
        #expect(grown.apply("first-secret second-secret tiny") == "•••• •••• tiny")
    }

    @Test func afterSignInOnlyAPathOnThisServerIsFollowed() {
        #expect(LoginTarget.sanitized("/pipelines/shop?x=1") == "/pipelines/shop?x=1")
        for hostile in ["//evil.example", "https://evil.example", "/\\evil.example", "evil", "", nil, "/login", "/a\nb"] as [String?] {
            #expect(LoginTarget.sanitized(hostile) == "/", "\(hostile ?? "nil")")
        }
    }

    @Test func ratesComeFromTwoSamplesOfTheRoutersCounters() async {
        let rates = RequestRates()
        let start = Date(timeIntervalSince1970: 1_000_000)
        func at(_ seconds: Double, total: UInt64, errors: UInt64) async -> RequestRates.Traffic {
            await rates.observe(app: "a", counters: .init(total: total, serverErrors: errors, latencySeconds: 0.5, latencyCount: 100),
                                now: start.addingTimeInterval(seconds))
        }
        let first = await at(0, total: 100, errors: 0)
        #expect(first.requestsPerSecond == nil, "one sample is not a rate")
        #expect(first.meanLatencySeconds == 0.005)
        let second = await at(0.5, total: 150, errors: 5)
        #expect(second.requestsPerSecond == nil, "a base younger than a second is too noisy")
        let third = await at(4, total: 300, errors: 10)
        #expect(third.requestsPerSecond == 50 && third.windowSeconds == 4)
        #expect(third.errorRatio == 0.05, "10 of the 200 answers in the window were 5xx")
        #expect(third.totalRequests == 300 && third.serverErrors == 10)
        // The router restarted: its counters went down, the old samples mean nothing.
        #expect(await at(5, total: 3, errors: 0).requestsPerSecond == nil)
        // Samples older than the window are forgotten.
        _ = await at(6, total: 10, errors: 0)
        #expect(await at(200, total: 20, errors: 0).requestsPerSecond == nil)
        let idle = await at(202, total: 20, errors: 0)
        #expect(idle.requestsPerSecond == 0 && idle.errorRatio == nil, "no answers: no error ratio")
    }

    @Test func agesAreCoarseSoAnUnchangedPageKeepsItsETag() {
        let now = Date()
        #expect(DisplayFormat.age(of: now.addingTimeInterval(-59), now: now) == "just now")
        #expect(DisplayFormat.age(of: now.addingTimeInterval(-600), now: now) == "10 min ago")
        #expect(DisplayFormat.age(of: now.addingTimeInterval(-7300), now: now) == "2 h ago")
        #expect(DisplayFormat.duration(4.8) == "4.80 s")
        #expect(DisplayFormat.duration(125) == "2 min 05 s")
    }

    @Test func everyTemplateParsesAndRenders() {
        let renderer = DashboardRenderer()
        let login = renderer.render(LoginPage(next: "/apps/x", problem: "That token is not valid."))
        #expect(login.contains(#"value="/apps/x""#) && login.contains("That token is not valid."))
        #expect(login.hasPrefix("<!doctype html>"))
        let error = renderer.render(DashboardErrorPage(heading: "Not found", message: "No <app> here & there"))
        #expect(error.contains("No &lt;app&gt; here &amp; there"), "text is escaped")
    }
}
