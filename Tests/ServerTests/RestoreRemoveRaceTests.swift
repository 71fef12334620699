import Foundation
import Orchestration
import SlipwayTestSupport
import SlipwayModel
import Testing

/// Found by the kill -9 soak (`ci/soak --seed 3`, cycle 9): a pull request closed while `serve` was down. At the
/// restart the runtime started its review app's current release again while the pull-request flow destroyed the
/// app; the destroy stopped the dynos that existed, the restore then brought its new dyno up and found the app gone.
/// The dyno kept running for an app no record knew, routed at the review app's host, until the next crash
/// recovery. Removal and restore now take the app's deploy lock, and a restore starts only an app that still exists.
@Suite(.serialized)
struct RestoreRemoveRaceTests {
    @Test func anAppRemovedWhileItsReleaseIsRestoredKeepsNoDyno() async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let runtime = try await TestRuntime.start(service)
        let name = try ResourceName("race-\(UUID().uuidString.prefix(8).lowercased())")
        _ = try await service.store.createApp(App(name: name))
        let source = try DeployTests.fixture(in: service.directory.url.appendingPathComponent("sources"), body: "restored")
        let deployed = try await runtime.deployer.deploy(app: name, directory: source)
        #expect(deployed.succeeded, "\(deployed.reason ?? "")")
        // As after a kill: nothing runs, the store still has the current release.
        await runtime.runtimes.stopAll()
        #expect(try await eventually { Self.dynoProcesses(app: name.rawValue).isEmpty })

        let restoring = Task { await runtime.deployer.restoreCurrentReleases() }
        // Removed as soon as the restore has begun bringing the app up.
        #expect(try await eventually(within: .seconds(20), every: .milliseconds(2)) { await runtime.runtimes.existing(name.rawValue) != nil })
        try await runtime.deployer.remove(app: name) { try await service.store.deleteApp(named: name) }
        _ = await restoring.value

        #expect(try await eventually { Self.dynoProcesses(app: name.rawValue).isEmpty },
                "a dyno of the removed app is still running: \(Self.dynoProcesses(app: name.rawValue))")
        #expect(await runtime.runtimes.existing(name.rawValue) == nil)
        try await runtime.shutdown()
    }

    /// Live processes whose environment names `app` as their app (a dyno and what it started).
    static func dynoProcesses(app: String) -> [Int32] {
        let marker = Array("SLIPWAY_APP=\(app)".utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard !StartupRecoveryTests.isZombie(pid),
                  let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return environment.split(separator: 0).contains { Array($0) == marker }
        }
    }
}
