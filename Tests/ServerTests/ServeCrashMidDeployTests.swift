import Foundation
import Orchestration
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// `kill -9` of a real `slipway serve` while a deploy is in flight (its release phase is sleeping), then a
/// new `serve` on the same data dir: the deploy's operation is failed with a reason, its release is failed
/// rather than pending, the previous release's dynos serve again, and no process of the killed instance
/// (dynos, the release phase, a child the release phase put in the background) is left.
@Suite
struct ServeCrashMidDeployTests {
    @Test func killedMidDeployIsConsistentAfterRestartWithNoOrphans() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let apiPort = try freeLoopbackPort()
        let routerPort = try freeLoopbackPort()
        let arguments = ["serve", "--data-dir", directory.url.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)"]
        let server = "http://127.0.0.1:\(apiPort)"
        let client = ["--server", server, "--data-dir", directory.url.path]
        let sources = directory.url.appendingPathComponent("sources")
        var survivors: [ProcessIdentity] = []
        defer { for process in survivors { process.signal(SIGKILL) } }

        // The first instance: v1 deployed and serving, then v2's release phase hangs.
        let first = StartedProcess()
        let firstServing = Task { try await SlipwayBinary.run(arguments, timeout: .seconds(120), started: first) }
        try await waitUntilServing(server)
        #expect(try await SlipwayBinary.run(["apps", "create", "shop"] + client).status == 0)
        let stable = try DeployTests.fixture(in: sources, body: "stable v1")
        let v1 = try await SlipwayBinary.run(["deploy", "--app", "shop", "--dir", stable.path] + client)
        #expect(v1.status == 0, "\(v1.stderr)")
        #expect(try await eventually { try await DeployTests.fetch(port: routerPort, host: "shop.localhost") == "stable v1" })

        let hanging = try DeployTests.fixture(in: sources, body: "never served")
        // The release phase and a child it leaves in the background: two `sleep 300` under serve. They are found
        // by the process tree, not by pid files: in the sandbox they can write nothing outside their layer, and
        // their own pids are those of their PID namespace.
        let procfile = hanging.appendingPathComponent("Procfile")
        try (try String(contentsOf: procfile, encoding: .utf8) + "release: sleep 300 & exec sleep 300\n")
            .write(to: procfile, atomically: true, encoding: .utf8)
        let inFlight = Task { try await SlipwayBinary.run(["deploy", "--app", "shop", "--dir", hanging.path] + client, timeout: .seconds(120)) }
        let servePID = try #require(first.pid)
        #expect(try await eventually { ProcessIdentity.descendants(of: servePID).filter { $0.command == "sleep" }.count >= 2 },
                "the release phase never started")

        // Everything the first instance started, by pid and start time (a pid reused later is not it).
        survivors = ProcessIdentity.descendants(of: servePID)
        #expect(survivors.filter { $0.command == "sleep" }.count == 2, "the release phase is not a descendant of serve")
        #expect(survivors.count >= 4, "expected keepers, the dyno and the release phase: \(survivors)")

        kill(servePID, SIGKILL)
        #expect(try await firstServing.value.status != 0)
        let interruptedClient = try await inFlight.value
        #expect(interruptedClient.status != 0, "the deploy's client saw the service die: \(interruptedClient.stderr)")

        // The second instance on the same data dir.
        let second = StartedProcess()
        let secondServing = Task { try await SlipwayBinary.run(arguments, timeout: .seconds(120), started: second) }
        try await waitUntilServing(server)

        #expect(try await eventually { survivors.allSatisfy { !$0.isAlive } },
                "processes of the killed instance survived: \(survivors.filter(\.isAlive))")

        let releases = try #require(try await SlipwayBinary.run(["releases", "--app", "shop", "--json"] + client).json() as? [[String: Any]])
        #expect(releases.map { $0["version"] as? Int } == [2, 1])
        #expect(releases.map { $0["state"] as? String } == ["failed", "succeeded"], "\(releases)")
        #expect(releases.first?["finished_at"] is String)

        // v1 serves again, from dynos of the new instance.
        #expect(try await eventually { try await DeployTests.fetch(port: routerPort, host: "shop.localhost") == "stable v1" })
        let ps = try #require(try await SlipwayBinary.run(["ps", "--app", "shop", "--json"] + client).json() as? [[String: Any]])
        #expect(ps.map { $0["name"] as? String } == ["web.1"])
        #expect(ps.map { $0["release"] as? Int } == [1])
        #expect(ps.first?["state"] as? String == "up")
        let secondPID = try #require(second.pid)
        #expect(!ProcessIdentity.descendants(of: secondPID).isEmpty, "the new instance runs the dyno itself")

        kill(secondPID, SIGTERM)
        let stopped = try await secondServing.value
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stdout.contains("recovered from an interrupted run"), "\(stopped.stdout)")

        // What the store says, read after the second instance stopped.
        let store = try directory.openStore()
        let operations = try await store.operations(state: nil, limit: nil)
        #expect(!operations.contains { $0.state == .running })
        let deploys = operations.filter { $0.kind == "deploy" }.sorted { $0.id < $1.id }
        #expect(deploys.map(\.state) == [.succeeded, .failed])
        #expect(deploys.last?.reason == StartupRecovery.reason)
        #expect(try await store.release(app: ResourceName("shop"), version: 2).state == .failed)
        #expect(try await store.currentRelease(app: ResourceName("shop"))?.version == 1)
        #expect(try await store.dynos(inStates: [.starting, .up, .crashed]).isEmpty, "a graceful stop leaves no live dyno record")
        try await store.close()
    }

}
