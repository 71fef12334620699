import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GitKit
import SlipwayTestSupport
import Testing

/// Placement with a real `queued` state: a `serve --local-test-slots 0` with no worker registered cannot start a
/// test run, so the run waits as `queued` (in the API, `slipway test-runs` and `pr status`, with no start time)
/// until a worker registers; then it goes `running` and on to success.
@Suite(.serialized)
struct QueuedTestRunTests {
    @Test func aRunIsQueuedUntilAWorkerRegistersThenRunsToSuccess() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let originPath = directory.url.appendingPathComponent("origin.git").path
        let (origin, base) = try await PullRequestFixture.makeOrigin(at: originPath)
        let head = try await origin.commit(parent: base, changes: [.write("version.txt", "queued\n")], message: "pr\n")
        try await origin.setReference("refs/pull/1/head", to: head)

        let data = directory.url.appendingPathComponent("data")
        let apiPort = try freeLoopbackPort()
        let server = "http://127.0.0.1:\(apiPort)"
        let serve = ["serve", "--data-dir", data.path, "--api-port", "\(apiPort)", "--router-port", "\(try freeLoopbackPort())",
                     "--poll-seconds", "0", "--test-workers", "2", "--local-test-slots", "0", "--worker-heartbeat", "0.5",
                     "--allow-path", directory.url.path]
        let client = ["--server", server, "--data-dir", data.path]
        let service = StartedProcess()
        let serving = Task { try await SlipwayBinary.run(serve, timeout: .seconds(120), started: service) }
        defer { service.signal(SIGKILL) }
        #expect(try await eventually { (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0 })
        #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + client).status == 0)
        #expect(try await SlipwayBinary.run(["pr", "sync"] + client).status == 0)

        // No worker: the run is queued, and stays so.
        func newest() async throws -> [String: Any]? {
            ((try await SlipwayBinary.run(["test-runs", "--pipeline", "shop", "--json"] + client).json()) as? [[String: Any]])?.first
        }
        #expect(try await eventually(within: .seconds(60)) { try await newest()?["state"] as? String == "queued" },
                "the run never showed as queued")
        try await Task.sleep(for: .seconds(2))
        let queued = try #require(try await newest())
        #expect(queued["state"] as? String == "queued" && queued["started_at"] == nil, "\(queued)")
        let table = try await SlipwayBinary.run(["test-runs", "--pipeline", "shop"] + client)
        #expect(table.stdout.contains("queued"), "\(table.stdout)")
        let status = try await SlipwayBinary.run(["pr", "status", "1", "--pipeline", "shop"] + client)
        #expect(status.stdout.contains("queued"), "\(status.stdout) \(status.stderr)")

        // A worker registers: the run starts and passes.
        let token = try await RemoteWorkerTests.workerToken("runner", client: client)
        let worker = StartedProcess()
        let working = Task {
            try await RemoteWorkerTests.worker("w", token: token, server: server, directory: directory.url, started: worker)
        }
        let run = try await RemoteWorkerTests.finishedRun(client)
        #expect(run["state"] as? String == "succeeded", "\(run)")
        #expect(run["started_at"] is String, "a queued run that started has a start time: \(run)")
        #expect((run["file_results"] as? [[String: Any]])?.count == 3, "\(run)")

        #expect(worker.signal(SIGTERM), "the worker had already exited")
        _ = try await working.value
        #expect(service.signal(SIGTERM), "the service had already exited")
        #expect(try await serving.value.status == 0)
    }
}
