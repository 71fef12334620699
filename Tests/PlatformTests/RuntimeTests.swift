import EdgeRouter
import Foundation
import Manifest
@testable import Platform
import SlipwayModel
import Processes
import Testing

@Suite("Runtime: builds, dynos, zero-downtime deploys")
struct RuntimeTests {
    @Test func buildsAreContentAddressedReusedAndCollected() async throws {
        let root = RuntimeFixture.scratch("builds")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = BuildStore(root: root.appendingPathComponent("builds"))
        let first = try await store.build(directory: RuntimeFixture.webApp, command: "echo built > BUILT")
        let again = try await store.build(directory: RuntimeFixture.webApp, command: "echo built > BUILT")
        // The same inputs give the same build; only the moment it was asked for differs.
        #expect(first.id == again.id && first.directory == again.directory && first.source == again.source)
        #expect(FileManager.default.fileExists(atPath: first.directory + "/BUILT"))
        #expect(FileManager.default.fileExists(atPath: first.directory + "/app.py"))
        let other = try await store.build(directory: RuntimeFixture.webApp, command: nil)
        #expect(other.id != first.id, "another build command is another build")

        do {
            _ = try await store.build(directory: RuntimeFixture.webApp, command: "echo compiling; echo broken >&2; exit 4")
            Issue.record("a failing build command must fail the build")
        } catch {
            #expect(error.message.contains("exited(4)") || error.message.contains("failed"))
            #expect(error.output.contains("broken"))
        }
        #expect(Set(await store.buildIDs()) == [first.id, other.id], "a failed build leaves nothing behind")
        #expect(await store.collectGarbage(keeping: [first.id]) == [other.id])
        #expect(await store.buildIDs() == [first.id])
    }

    @Test func aDynoThatKeepsFailingFastIsMarkedCrashed() async throws {
        let root = RuntimeFixture.scratch("crash")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = DynoSpec(name: "worker.1", processType: "worker", command: "echo boom; exit 1",
                            environment: ["PATH": RuntimeFixture.path], workingDirectory: root.path, port: 0,
                            logPath: root.appendingPathComponent("worker.log").path, stopGrace: .seconds(1))
        let log = AppLog(path: root.appendingPathComponent("app.log").path)
        let dyno = DynoSupervisor(spec: spec, policy: RuntimeFixture.settings.restartPolicy, log: log)
        await dyno.start()
        let deadline = ContinuousClock.now + .seconds(10)
        while await dyno.state != .crashed && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await dyno.state == .crashed)
        #expect(await dyno.restarts == 2, "three fast failures: the first run and two restarts")
        #expect(await dyno.lastExit == .exited(1))
        // Output arrives through a pipe, one line at a time, stamped with the dyno's name.
        try await Task.sleep(for: .milliseconds(100))
        let lines = log.recent()
        #expect(lines.filter { $0.source == "worker.1" && $0.text == "boom" }.count == 3, "\(lines.map(\.formatted))")
        #expect(lines.contains { $0.source == "slipway" && $0.text.contains("not restarting") })
        let file = try String(contentsOfFile: log.path, encoding: .utf8)
        #expect(file.contains(" worker.1: boom"))
    }

    @Test func stoppingSendsTermThenKillToTheWholeGroup() async throws {
        let root = RuntimeFixture.scratch("stop")
        defer { try? FileManager.default.removeItem(at: root) }
        let pidFile = root.appendingPathComponent("child.pid").path
        // The shell ignores SIGTERM and so does its background child; only SIGKILL ends them.
        let spec = DynoSpec(name: "web.1", processType: "web",
                            command: "trap '' TERM; (trap '' TERM; sleep 600) & echo $! > \(pidFile); wait",
                            environment: ["PATH": RuntimeFixture.path], workingDirectory: root.path, port: 0,
                            logPath: root.appendingPathComponent("web.log").path, stopGrace: .milliseconds(300))
        let dyno = DynoSupervisor(spec: spec, policy: RuntimeFixture.settings.restartPolicy)
        await dyno.start()
        var child: Int32?
        for _ in 0..<200 where child == nil {
            child = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            try await Task.sleep(for: .milliseconds(10))
        }
        let pid = try #require(child)
        #expect(ProcessTable.isAlive(pid))
        let started = ContinuousClock.now
        await dyno.stop()
        let took = ContinuousClock.now - started
        #expect(!ProcessTable.isAlive(pid), "the background child must be gone")
        #expect(took >= .milliseconds(300), "SIGKILL only after the grace period")
        #expect(took < .seconds(5))
        #expect(await dyno.state == .stopped)
    }

    @Test func aDynoThatHonoursSIGTERMStopsWithoutWaitingForTheGrace() async throws {
        let root = RuntimeFixture.scratch("term")
        defer { try? FileManager.default.removeItem(at: root) }
        let marker = root.appendingPathComponent("terminated").path
        // The shell records the signal and exits; its child (sleep) gets the group's SIGTERM too.
        let spec = DynoSpec(name: "web.1", processType: "web",
                            command: "trap 'echo TERM > \(marker); exit 0' TERM; echo ready; sleep 600 & wait",
                            environment: ["PATH": RuntimeFixture.path], workingDirectory: root.path, port: 0,
                            logPath: root.appendingPathComponent("web.log").path, stopGrace: .seconds(10))
        let log = AppLog(path: root.appendingPathComponent("app.log").path)
        let dyno = DynoSupervisor(spec: spec, policy: RuntimeFixture.settings.restartPolicy, log: log)
        await dyno.start()
        for _ in 0..<500 where !log.recent().contains(where: { $0.text == "ready" }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(log.recent().contains { $0.text == "ready" })
        let started = ContinuousClock.now
        await dyno.stop()
        let took = ContinuousClock.now - started
        #expect(took < .seconds(5), "a dyno that exits on SIGTERM is not kept waiting for the 10 s grace (\(took))")
        #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "TERM\n", "SIGTERM came first and its handler ran")
        #expect(await dyno.state == .stopped)
        #expect(await dyno.restarts == 0, "a requested stop is not a crash to restart")
    }

    /// The issue's acceptance test: constant load through the router while deploys, failed deploys,
    /// scaling and a rollback happen back to back — no request may fail.
    @Test func deploysDropNoRequest() async throws {
        let root = RuntimeFixture.scratch("zero-downtime")
        defer { try? FileManager.default.removeItem(at: root) }
        let router = EdgeRouter(configuration: RouterConfiguration(host: "127.0.0.1", port: 0, domain: "slipway.test",
                                                                   upstreamTimeout: .seconds(10), eventLoopThreads: 1))
        try await router.start()
        let routerPort = try #require(router.port)
        let builds = BuildStore(root: root.appendingPathComponent("builds"))
        let build = try await builds.build(directory: RuntimeFixture.webApp, command: nil)
        let runtime = AppRuntime(app: "web", hosts: ["web.slipway.test"], directory: root.appendingPathComponent("apps/web"),
                                 router: router, ports: PortAllocator(), settings: RuntimeFixture.settings)
        let host = "web.slipway.test"

        func serving() async -> String {
            await RuntimeFixture.get(router: routerPort, host: host)?.body ?? "no answer"
        }

        #expect(await runtime.deploy(try RuntimeFixture.release(1, build: build)) == .deployed(version: 1))
        #expect(await serving().contains("from v1"))

        let load = LoadGenerator()
        await load.start(router: routerPort, host: host, concurrency: 3)
        var steps: [String] = []

        // 1. A good deploy.
        #expect(await runtime.deploy(try RuntimeFixture.release(2, build: build)) == .deployed(version: 2))
        #expect(await serving().contains("from v2"))
        steps.append("v2 deployed")

        // 2. The release phase fails: nothing changes.
        let failedRelease = await runtime.deploy(try RuntimeFixture.release(3, build: build, environment: ["FAIL_RELEASE": "1"]))
        guard case .failed(let reason, let output) = failedRelease else {
            Issue.record("a failing release phase must fail the deploy")
            return
        }
        #expect(reason.contains("release phase") && output.contains("release phase of v3"))
        #expect(await serving().contains("from v2"))
        steps.append("v3 release phase failed")

        // 3. New dynos crash at boot: rolled back automatically.
        let crashed = await runtime.deploy(try RuntimeFixture.release(4, build: build, environment: ["MODE": "crash"]))
        #expect(!crashed.succeeded)
        #expect(await serving().contains("from v2"))
        steps.append("v4 crashed at boot")

        // 4. New dynos answer 500 and never pass the health check.
        let check = { () -> HealthCheck in
            var check = HealthCheck(type: .startup)
            check.path = "/"
            check.attempts = 3
            check.wait = 0
            check.timeout = 1
            return check
        }()
        let unhealthy = await runtime.deploy(try RuntimeFixture.release(5, build: build, environment: ["MODE": "unhealthy"], healthChecks: [check]))
        guard case .failed(let unhealthyReason, _) = unhealthy else {
            Issue.record("an unhealthy release must not be deployed")
            return
        }
        #expect(unhealthyReason.contains("never became healthy"))
        #expect(await serving().contains("from v2"))
        steps.append("v5 never healthy")

        // 5. Scale up, then down.
        #expect(await runtime.scale(["web": 4]) == .deployed(version: 2))
        #expect(await runtime.statuses().filter { $0.state == .up }.count == 4)
        #expect(await serving().contains("from v2"))
        #expect(await runtime.scale(["web": 1]) == .deployed(version: 2))
        #expect(await runtime.statuses().count == 1)
        #expect(await serving().contains("from v2"))
        steps.append("scaled 4 then 1")

        // 6. More good deploys, one with a slow boot, then a rollback (a new release from v2's spec).
        #expect(await runtime.deploy(try RuntimeFixture.release(6, build: build, web: 2, environment: ["BOOT_DELAY": "0.5"])) == .deployed(version: 6))
        #expect(await serving().contains("from v6"))
        #expect(await runtime.deploy(try RuntimeFixture.release(7, build: build, web: 2, environment: ["GREETING": "howdy"])) == .deployed(version: 7))
        #expect(await serving().contains("howdy from v7"))
        var rollback = try RuntimeFixture.release(8, build: build, web: 2)
        rollback.environment["GREETING"] = "hello"
        #expect(await runtime.deploy(rollback) == .deployed(version: 8))
        #expect(await serving().contains("hello from v8"))
        #expect(await runtime.deploy(try RuntimeFixture.release(9, build: build, web: 3)) == .deployed(version: 9))
        #expect(await serving().contains("from v9"))
        steps.append("v6…v9 deployed")

        let webLines = runtime.log.recent().filter { $0.source.hasPrefix("web.") }
        #expect(webLines.contains { $0.text.contains("v9") && $0.text.contains("listening on") }, "dyno output reaches the app log")
        #expect(runtime.log.recent().contains { $0.source == "release" && $0.text.contains("release phase of v3") })

        let (answered, failures) = await load.stop()
        #expect(failures.isEmpty, "requests failed during \(steps): \(failures)")
        #expect(answered > 50, "the load generator should have sent a steady stream (\(answered))")

        await runtime.stop()
        #expect(await runtime.statuses().isEmpty)
        #expect(await RuntimeFixture.get(router: routerPort, host: host)?.status == 404)
        try await router.shutdown()
    }
}
