import EdgeRouter
import Foundation
@testable import Platform
import Testing

/// The healthy-to-switched time each deploy logs (what `ci/soak --deploys` collects).
@Suite("Runtime: the switch's log line")
struct SwitchTimingTests {
    @Test func theLineSaysHowLongAfterTheLastAndTheFirstHealthyDynoTheRouterSwitched() {
        let first = ContinuousClock.now
        let timing = SwitchTiming(dynos: ["web.1", "web.2"], firstHealthy: first, lastHealthy: first + .milliseconds(30))
        let line = timing.switchedLine(release: 7, switched: first + .microseconds(30_412))
        #expect(line == "v7 switched: web.1, web.2 routed 0.412 ms after the last passed its health check (first 30.412 ms)")
    }

    @Test func eachDeployThatStartsWebDynosLogsOneSwitchAndARefusedOneNone() async throws {
        let root = RuntimeFixture.scratch("switch-line")
        defer { try? FileManager.default.removeItem(at: root) }
        let router = EdgeRouter(configuration: RouterConfiguration(host: "127.0.0.1", port: 0, domain: "slipway.test",
                                                                   eventLoopThreads: 1))
        try await router.start()
        let build = try await BuildStore(root: root.appendingPathComponent("builds")).build(directory: RuntimeFixture.webApp, command: nil)
        let runtime = AppRuntime(app: "web", hosts: ["web.slipway.test"], directory: root.appendingPathComponent("apps/web"),
                                 router: router, ports: PortAllocator(), settings: RuntimeFixture.settings)

        #expect(await runtime.deploy(try RuntimeFixture.release(1, build: build, web: 2)) == .deployed(version: 1))
        #expect(!(await runtime.deploy(try RuntimeFixture.release(2, build: build, environment: ["FAIL_RELEASE": "1"]))).succeeded)
        #expect(!(await runtime.deploy(try RuntimeFixture.release(3, build: build, environment: ["MODE": "crash"]))).succeeded)
        #expect(await runtime.scale(["web": 1]) == .deployed(version: 1))
        #expect(await runtime.deploy(try RuntimeFixture.release(4, build: build, web: 1)) == .deployed(version: 4))
        await runtime.stop()
        try await router.shutdown()

        let switched = runtime.log.recent().filter { $0.source == "slipway" && $0.text.contains(" switched: ") }.map(\.text)
        let pattern = /^v(\d+) switched: ([a-z0-9., ]+) routed (\d+\.\d{3}) ms after the last passed its health check \(first (\d+\.\d{3}) ms\)$/
        let parsed = switched.compactMap { try? pattern.wholeMatch(in: $0) }
        #expect(parsed.count == 3, "one line per deploy that switched (v1, the scale, v4); none for v2 and v3: \(switched)")
        #expect(parsed.map { Int($0.output.1) } == [1, 1, 4])
        #expect(parsed.map { String($0.output.2) } == ["web.1, web.2", "web.1", "web.1"])
        for line in parsed {
            let last = try #require(Double(line.output.3))
            let first = try #require(Double(line.output.4))
            #expect(first >= last, "the first healthy dyno waited at least as long as the last: \(line.output.0)")
        }
    }
}
