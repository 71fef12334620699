import Foundation
import Testing

/// Screenshots of the board and the timeline at desktop (1280 px) and phone (390 px) width. `ci/screenshots`
/// runs this test with `SLIPWAY_SCREENSHOTS` set to `./screenshots`; otherwise they go to a temporary
/// directory and are deleted. Either way the test checks that each PNG is as wide as its viewport and that
/// no page is wider than a phone's screen.
@Suite(.serialized)
struct DashboardScreenshotTests {
    static let widths = [("desktop", 1280), ("phone", 390)]

    @Test func boardAndTimelineAtDesktopAndPhoneWidth() async throws {
        let requested = ProcessInfo.processInfo.environment["SLIPWAY_SCREENSHOTS"].map { URL(fileURLWithPath: $0) }
        let directory = requested ?? FileManager.default.temporaryDirectory.appendingPathComponent("slipway-screenshots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if requested == nil { try? FileManager.default.removeItem(at: directory) } }

        try await DashboardFixture.with { fixture in
            let pages = [("board", "/pipelines/shop"), ("timeline", "/test-runs/\(fixture.finishedRunID)"),
                         ("pull-request", "/pipelines/shop/prs/9"), ("app", "/apps/shop-staging")]
            var plan = HeadlessChromium.Plan(base: fixture.base, login: fixture.token, pages: [])
            for (label, width) in Self.widths {
                for (name, path) in pages {
                    plan.pages.append(.init(
                        path: path, width: width,
                        expressions: ["overflow": "document.documentElement.scrollWidth - window.innerWidth"],
                        screenshot: directory.appendingPathComponent("\(name)-\(label).png").path))
                }
            }
            let result = try await HeadlessChromium.run(plan)
            try #require(result.pages.count == plan.pages.count)
            for (page, planned) in zip(result.pages, plan.pages) {
                #expect(page.status == 200, "\(page.path)")
                #expect(page.values["overflow"] == "0", "\(page.path) at \(planned.width) px is wider than the screen")
                let file = try #require(page.screenshot)
                let width = try Self.pngWidth(URL(fileURLWithPath: file))
                #expect(width == planned.width, "\(file) is \(width) px wide")
            }
        }
    }

    /// The width in a PNG's IHDR chunk (bytes 16–19, big-endian).
    static func pngWidth(_ file: URL) throws -> Int {
        let bytes = [UInt8](try Data(contentsOf: file).prefix(24))
        guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return -1 }
        return bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
    }
}
