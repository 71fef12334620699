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

/// `slipway serve` as a process: the first start prints and writes the admin token; after `kill -9` no
/// dyno of the old instance is left and a new start runs the current release again; SIGTERM shuts down
/// cleanly; a third start finds everything.
@Suite
struct ServeProcessTests {
    @Test func serveSurvivesKill9AndStopsOnSIGTERM() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let apiPort = try freeLoopbackPort()
        let routerPort = try freeLoopbackPort()
        let arguments = ["serve", "--data-dir", directory.url.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)"]
        let server = "http://127.0.0.1:\(apiPort)"
        let client = ["--server", server, "--data-dir", directory.url.path]
        let deploys = requiredInCI(FixturePython.isAvailable)
        var oldDynoGroup: Int32?

        for round in 1...3 {
            let started = StartedProcess()
            let serving = Task { try await SlipwayBinary.run(arguments, timeout: .seconds(60), started: started) }
            try await waitUntilServing(server)

            let token = try #require(AdminToken.read(dataDirectory: directory.url))
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.url.appendingPathComponent(AdminToken.fileName).path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

            if round == 1 {
                let created = try await SlipwayBinary.run(["apps", "create", "kept", "--json"] + client)
                #expect(created.status == 0, "\(created.stderr)")
                if deploys {
                    let source = try DeployTests.fixture(in: directory.url.appendingPathComponent("sources"), body: "kept alive")
                    let deployed = try await SlipwayBinary.run(["deploy", "--app", "kept", "--dir", source.path] + client)
                    #expect(deployed.status == 0, "\(deployed.stderr)")
                }
            } else {
                let listed = try await SlipwayBinary.run(["apps", "--json"] + client)
                #expect((try listed.json() as? [[String: Any]])?.map { $0["name"] as? String } == ["kept"])
            }
            if round == 2, let oldDynoGroup {
                #expect(try await eventually(within: .seconds(20)) { Self.isGone(oldDynoGroup) }, "a dyno of the killed instance survived")
            }
            if deploys {
                // The current release runs after every restart.
                #expect(try await eventually(within: .seconds(20)) { try await DeployTests.fetch(port: routerPort, host: "kept.localhost") == "kept alive" })
                let ps = try await SlipwayBinary.run(["ps", "--app", "kept", "--json"] + client)
                #expect((try ps.json() as? [[String: Any]])?.map { $0["name"] as? String } == ["web.1"])
            }

            let pid = try #require(started.pid)
            if round == 1 {
                // Crash: the dynos are orphaned in their own process groups, recorded in the store.
                kill(pid, SIGKILL)
                let result = try await serving.value
                #expect(result.status != 0)
                #expect(result.stdout.contains(token), "the token is printed on the first start")
                if deploys {
                    let store = try directory.openStore()
                    oldDynoGroup = try await store.dynos(app: ResourceName("kept")).first?.pgid
                    try await store.close()
                    #expect(oldDynoGroup != nil, "the dyno's process group is recorded")
                }
            } else {
                kill(pid, SIGTERM)
                let result = try await serving.value
                #expect(result.status == 0, "serve exited \(result.status): \(result.stderr)")
                #expect(!result.stdout.contains(token), "the token is printed on the first start only")
            }
        }
        if deploys {
            #expect(try await eventually(within: .seconds(20)) { (try? await DeployTests.fetch(port: routerPort, host: "kept.localhost")) == nil })
        }
    }

    /// Whether no live process is in group `group` (a zombie waiting for init counts as gone).
    static func isGone(_ group: Int32) -> Bool {
        if killpg(group, 0) != 0 { return true }
        return StartupRecoveryTests.isZombie(group)
    }
}
