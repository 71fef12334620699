import Foundation
import Orchestration
#if canImport(Glibc)
import Glibc
#endif
import Server
import SlipwayModel
import Store
import Testing

@Suite struct StartupRecoveryTests {
    @Test func leftoversOfAKilledInstanceAreFailedAndTheirProcessGroupsKilled() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let store = try directory.openStore()
        let app = try ResourceName("web-app")
        _ = try await store.createApp(App(name: app))
        _ = try await store.updateConfigVars(app: app, set: ["A": "1"], unset: [], description: nil)
        let operation = try await store.beginOperation(kind: "deploy", app: app, pipeline: nil)

        // Two processes in groups of their own (Foundation makes each child a group leader): one is the
        // old instance's dyno (its environment names it), the other an unrelated process whose group id a
        // stale record happens to name; only the first may be killed.
        let dyno = try Self.startGroupLeader(environment: ["SLIPWAY_APP": "web-app", "DYNO": "web.1", "SLIPWAY_RELEASE": "v1"])
        let stranger = try Self.startGroupLeader(environment: [:])
        defer {
            if dyno.isRunning { kill(dyno.processIdentifier, SIGKILL) }
            if stranger.isRunning { kill(stranger.processIdentifier, SIGKILL) }
        }
        for process in [dyno, stranger] {
            var group: Int32 = -1
            for _ in 0..<100 {
                group = getpgid(process.processIdentifier)
                if group == process.processIdentifier { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(group == process.processIdentifier, "the child does not lead its own process group")
        }
        let pid = dyno.processIdentifier
        _ = try await store.recordDyno(Dyno(app: app, releaseVersion: 1, name: "web.1", processType: "web",
                                            pid: pid, pgid: pid, port: 5001, state: .up))
        _ = try await store.recordDyno(Dyno(app: app, releaseVersion: 1, name: "web.2", processType: "web",
                                            pid: stranger.processIdentifier, pgid: stranger.processIdentifier, port: 5002, state: .up))
        try await store.close()

        let reopened = try directory.openStore()
        let report = try await StartupRecovery.run(store: reopened)
        #expect(report.stoppedDynos == 2)
        #expect(report.interrupted.operations.map(\.id) == [operation.id])
        #expect(try await reopened.operation(id: operation.id).state == .failed)
        #expect(try await reopened.dynos(app: app).map(\.state) == [.stopped, .stopped])

        var gone = false
        for _ in 0..<100 {
            if !dyno.isRunning || Self.isZombie(pid) { gone = true; break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(gone, "the old dyno's process group survived")
        #expect(stranger.isRunning, "an unrelated process group was killed")
        try await reopened.close()
    }

    /// Starts `sleep 60` with exactly `environment`.
    static func startGroupLeader(environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["60"]
        process.environment = environment
        try process.run()
        return process
    }

    /// Whether `pid` has exited and waits to be reaped (state Z in /proc/<pid>/stat).
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}

/// Startup recovery with several instances on one store (the rules do not depend on the store kind, so SQLite
/// stands in for PostgreSQL): another live instance means nothing is recovered (its work may be in flight); a live
/// row of this instance's own name is its predecessor (killed moments ago), so recovery runs.
@Suite struct SharedStoreRecoveryTests {
    @Test func anotherLiveInstanceSuspendsRecoveryButOnesOwnPredecessorDoesNot() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let store = try directory.openStore()
        let pipeline = try ResourceName("shop")
        _ = try await store.createPipeline(Pipeline(name: pipeline, repository: "/srv/shop.git"))
        let predecessor = try await store.registerInstance(name: "ci:5100")
        var run = try await store.createTestRun(pipeline: pipeline, prNumber: 1, branch: nil, commit: String(repeating: "a", count: 40),
                                                workers: 1, split: nil, owner: predecessor.id)
        run.state = .running
        _ = try await store.updateTestRun(run)
        let since = Date().addingTimeInterval(-60)

        let other = try await store.registerInstance(name: "ci-2:5100")
        let me = try await store.registerInstance(name: "ci:5100")
        let suspended = try await StartupRecovery.run(store: store, instance: me, liveSince: since)
        #expect(suspended.otherInstances.map(\.id) == [other.id])
        #expect(suspended.interrupted.isEmpty)
        #expect(try await store.testRun(id: run.id).state == .running)

        try await store.removeInstance(id: other.id)
        let recovered = try await StartupRecovery.run(store: store, instance: me, liveSince: since)
        #expect(recovered.otherInstances.isEmpty)
        #expect(recovered.interrupted.testRunIDs == [run.id])
        #expect(try await store.testRun(id: run.id).state == .error)
        try await store.close()
    }
}
