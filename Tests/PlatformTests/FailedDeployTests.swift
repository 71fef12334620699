import EdgeRouter
import Foundation
import Manifest
@testable import Platform
import SlipwayModel
import Processes
import Testing

/// Failed deploys one at a time, without load: each must leave the running release exactly as it was
/// (same dynos, same ports, no restart) and leave no process of the failed release behind.
@Suite("Runtime: failed deploys roll back by themselves")
struct FailedDeployTests {
    @Test func aFailedReleasePhaseUnhealthyDynosAndCrashingDynosChangeNothing() async throws {
        let root = RuntimeFixture.scratch("failed-deploys")
        defer { try? FileManager.default.removeItem(at: root) }
        let router = EdgeRouter(configuration: RouterConfiguration(host: "127.0.0.1", port: 0, domain: "slipway.test",
                                                                   eventLoopThreads: 1))
        try await router.start()
        let routerPort = try #require(router.port)
        let build = try await BuildStore(root: root.appendingPathComponent("builds")).build(directory: RuntimeFixture.webApp, command: nil)
        let runtime = AppRuntime(app: "web", hosts: ["web.slipway.test"], directory: root.appendingPathComponent("apps/web"),
                                 router: router, ports: PortAllocator(), settings: RuntimeFixture.settings)
        // Marks this test's processes, so the ones a failed release started can be found in /proc.
        let marker = "failed-deploys-\(UUID().uuidString)"

        #expect(await runtime.deploy(try RuntimeFixture.release(1, build: build, environment: ["TEST_MARKER": marker])) == .deployed(version: 1))
        let running = await runtime.statuses()
        #expect(running.count == 2 && running.allSatisfy { $0.state == .up && $0.release == 1 })

        func expectNothingChanged(after step: String) async {
            #expect(await runtime.statuses() == running, "\(step): the v1 dynos must be untouched")
            let answer = await RuntimeFixture.get(router: routerPort, host: "web.slipway.test")
            #expect(answer?.status == 200 && answer?.body.contains("from v1") == true, "\(step): \(String(describing: answer))")
        }

        // The release phase fails: no dyno of v2 is even started.
        let failedPhase = await runtime.deploy(try RuntimeFixture.release(2, build: build, environment: ["FAIL_RELEASE": "1", "TEST_MARKER": marker]))
        guard case .failed(let phaseReason, let phaseOutput) = failedPhase else {
            Issue.record("a failing release phase must fail the deploy")
            return
        }
        #expect(phaseReason.contains("release phase"), "\(phaseReason)")
        #expect(phaseOutput.contains("release phase of v2"), "the release phase's output is kept: \(phaseOutput)")
        await expectNothingChanged(after: "failed release phase")

        // The new dynos answer 500: the health check never passes, they are stopped, v1 keeps serving.
        var check = HealthCheck(type: .startup)
        check.path = "/"
        check.attempts = 2
        check.wait = 0
        check.timeout = 1
        let unhealthy = await runtime.deploy(try RuntimeFixture.release(3, build: build, environment: ["MODE": "unhealthy", "TEST_MARKER": marker],
                                                                        healthChecks: [check]))
        guard case .failed(let unhealthyReason, _) = unhealthy else {
            Issue.record("an unhealthy release must not be deployed")
            return
        }
        #expect(unhealthyReason.contains("never became healthy"), "\(unhealthyReason)")
        await expectNothingChanged(after: "unhealthy release")
        #expect(Self.processes(marker: marker, release: "v3").isEmpty, "v3's dynos must be stopped")

        // The new dynos exit at boot, again and again: marked crashed, stopped, v1 keeps serving.
        let crashing = await runtime.deploy(try RuntimeFixture.release(4, build: build, environment: ["MODE": "crash", "TEST_MARKER": marker]))
        #expect(!crashing.succeeded)
        await expectNothingChanged(after: "crashing release")
        #expect(Self.processes(marker: marker, release: "v4").isEmpty, "v4's dynos must be stopped")
        #expect(runtime.log.recent().contains { $0.text.contains("crashing at boot") }, "the crash's output reaches the app log")

        #expect(Self.processes(marker: marker, release: "v1").count >= 2, "v1's dynos are still running")
        await runtime.stop()
        #expect(Self.processes(marker: marker, release: "v1").isEmpty)
        try await router.shutdown()
    }

    /// Live processes whose environment carries `TEST_MARKER=marker` and `SLIPWAY_RELEASE=release`.
    static func processes(marker: String, release: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap(Int32.init).filter { pid in
            guard ProcessTable.isAlive(pid),
                  let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            let variables = Set(environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
            return variables.contains("TEST_MARKER=\(marker)") && variables.contains("SLIPWAY_RELEASE=\(release)")
        }
    }
}
