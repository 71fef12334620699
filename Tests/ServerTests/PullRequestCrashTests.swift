import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import GitKit
import Platform
import Server
import Store
import Testing

/// `kill -9` of `slipway serve` in the middle of a pull request's test run: the test processes die with it,
/// the next start kills the old review app's dyno, marks the run interrupted, tests the merge again and
/// brings the review app back.
@Suite(.serialized, .enabled(if: SlipwayBinary.url != nil && FixturePython.isAvailable, "needs the slipway executable and python3"))
struct PullRequestCrashTests {
    @Test func killDuringATestRunLeavesNothingBehind() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let slow = directory.url.appendingPathComponent("slow-tests")
        try Data().write(to: slow)
        let originPath = directory.url.appendingPathComponent("origin.git").path
        let (origin, base) = try await PullRequestFixture.makeOrigin(at: originPath, extraTests: [
            // Slow only while the marker exists: the first run is still going when the service is killed.
            .write("tests/t9.sh", "if [ -f '\(slow.path)' ]; then sleep 60; fi\n"),
        ])
        let head = try await origin.commit(parent: base, changes: [.write("version.txt", "crash\n")], message: "pr\n")
        try await origin.setReference("refs/pull/1/head", to: head)

        let data = directory.url.appendingPathComponent("data")
        let apiPort = try freeLoopbackPort()
        let routerPort = try freeLoopbackPort()
        let serve = ["serve", "--data-dir", data.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)",
                     "--poll-seconds", "0", "--test-workers", "2"]
        let client = ["--server", "http://127.0.0.1:\(apiPort)", "--data-dir", data.path]

        // First instance: the review app deploys while the test run hangs in t9.sh.
        let first = StartedProcess()
        let serving = Task { try await SlipwayBinary.run(serve, timeout: .seconds(120), started: first) }
        #expect(try await eventually { (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0 })
        #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + client).status == 0)
        #expect(try await SlipwayBinary.run(["pr", "sync"] + client).status == 0)
        #expect(try await eventually {
            let status = try await SlipwayBinary.run(["pr", "status", "1", "--json"] + client).json() as? [String: Any]
            let run = (status?["test_runs"] as? [[String: Any]])?.first
            return run?["state"] as? String == "running" && (status?["review_app"] as? [String: Any])?["state"] as? String == "deployed"
        }, "the test run never ran alongside a deployed review app")
        #expect(try await eventually { !Self.processes(under: data.appendingPathComponent("tmp")).isEmpty }, "no test process found to outlive")
        #expect(!Self.processes(under: data.appendingPathComponent("builds")).isEmpty, "no dyno found")

        kill(try #require(first.pid), SIGKILL)
        _ = try await serving.value
        let store = try SQLiteStore(dataDirectory: data)
        let oldDyno = try #require(try await store.dynos(app: ResourceName("shop-pr-1")).first?.pid)
        try await store.close()
        // The test workers die with the service (their keeper sees its pipe close); the dyno waits for the next start.
        #expect(try await eventually { Self.processes(under: data.appendingPathComponent("tmp")).isEmpty },
                "test processes outlived the killed service: \(Self.processes(under: data.appendingPathComponent("tmp")))")

        // Second instance: the interrupted run is redone (fast now), the review app runs again with a new dyno.
        try FileManager.default.removeItem(at: slow)
        let second = StartedProcess()
        let again = Task { try await SlipwayBinary.run(serve, timeout: .seconds(120), started: second) }
        #expect(try await eventually { (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0 })
        #expect(kill(oldDyno, 0) != 0 || StartupRecoveryTests.isZombie(oldDyno), "the old instance's dyno survived the restart")
        #expect(try await SlipwayBinary.run(["pr", "sync", "--wait"] + client, timeout: .seconds(60)).status == 0)
        let status = try #require(try await SlipwayBinary.run(["pr", "status", "1", "--json"] + client).json() as? [String: Any])
        let runs = try #require(status["test_runs"] as? [[String: Any]])
        #expect(runs.map { $0["state"] as? String } == ["succeeded", "error"], "\(runs)")
        #expect((runs.last?["message"] as? String)?.hasPrefix("interrupted:") == true)
        #expect((status["checks"] as? [[String: Any]])?.first?["state"] as? String == "success")
        #expect((status["review_app"] as? [String: Any])?["state"] as? String == "deployed")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("tmp").path)) ?? []
        #expect(leftovers.isEmpty, "the killed run's scratch directory is still there: \(leftovers)")
        #expect(await HTTPProbe.get(port: routerPort, path: "/", host: "pr-1.shop.localhost", timeout: .seconds(5))?.status == 200)

        kill(try #require(second.pid), SIGTERM)
        #expect(try await again.value.status == 0)
        #expect(try await eventually { Self.processes(under: data).isEmpty }, "processes left after SIGTERM: \(Self.processes(under: data))")
    }

    /// Processes whose working directory is under `directory` (dynos run in builds, test workers in tmp).
    static func processes(under directory: URL) -> [Int32] {
        let prefix = directory.resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return false }
            return cwd.hasPrefix(prefix) && !StartupRecoveryTests.isZombie(pid)
        }
    }
}
