import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GitKit
import SlipwayTestSupport
import Testing

/// Remote test workers for real: one `slipway serve` whose test runs have no local slot, and `slipway worker`
/// processes on loopback with a worker token. A run spreads over two workers; `kill -9` of one mid-batch sends its
/// files to the other and the run's result equals a local `ci run`'s, each file recorded once; a revoked worker
/// token is refused at the worker's next call and its leases go back to the run, which another worker finishes.
@Suite(.serialized)
struct RemoteWorkerTests {
    /// Eight files that sleep, so a batch is in flight when a worker is killed, besides the fixture's three.
    static let sleepyTests: [FileChange] = (1...8).map { .write("tests/s\($0).sh", "sleep 0.7\ntest -f app.py\n") }

    @Test func twoWorkersShareARunAndAKilledOnesFilesRunOnTheOther() async throws {
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let originPath = directory.url.appendingPathComponent("origin.git").path
        let (origin, base) = try await PullRequestFixture.makeOrigin(at: originPath, extraTests: Self.sleepyTests)
        let head = try await origin.commit(parent: base, changes: [.write("version.txt", "remote\n")], message: "pr\n")
        try await origin.setReference("refs/pull/1/head", to: head)

        let data = directory.url.appendingPathComponent("data")
        let apiPort = try freeLoopbackPort()
        let server = "http://127.0.0.1:\(apiPort)"
        let serve = ["serve", "--data-dir", data.path, "--api-port", "\(apiPort)", "--router-port", "\(try freeLoopbackPort())",
                     "--poll-seconds", "0", "--test-workers", "4", "--local-test-slots", "0", "--worker-heartbeat", "0.5",
                     "--allow-path", directory.url.path]
        let client = ["--server", server, "--data-dir", data.path]
        let service = StartedProcess()
        let serving = Task { try await SlipwayBinary.run(serve, timeout: .seconds(150), started: service) }
        defer { service.signal(SIGKILL) }
        #expect(try await eventually { (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0 })

        let token = try await Self.workerToken("runner", client: client)
        let workerA = StartedProcess(), workerB = StartedProcess()
        let a = Task { try await Self.worker("a", token: token, server: server, directory: directory.url, started: workerA) }
        let b = Task { try await Self.worker("b", token: token, server: server, directory: directory.url, started: workerB) }
        #expect(try await eventually { try await Self.workers(client).count == 2 }, "the workers never registered")

        // A worker token may use the worker routes and nothing else.
        let refused = try await SlipwayBinary.run(["pipelines", "--server", server], environment: ["SLIPWAY_TOKEN": token])
        #expect(refused.status == 2 && refused.stderr.contains("'worker'"), "\(refused.stderr)")

        #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + client).status == 0)
        #expect(try await SlipwayBinary.run(["pr", "sync"] + client).status == 0)
        // Kill worker a while it runs a batch.
        #expect(try await eventually(within: .seconds(90)) {
            try await Self.workers(client).first { $0["name"] as? String == "a" }
                .map { (($0["work"] as? [[String: Any]]) ?? []).contains { $0["batch"] != nil } } ?? false
        }, "worker a never ran a batch")
        #expect(workerA.signal(SIGKILL), "the worker had already exited")
        let killed = try await a.value
        #expect(killed.stdout.contains("leased slot"), "\(killed.stdout)")

        let run = try await Self.finishedRun(client)
        #expect(run["state"] as? String == "succeeded", "\(run)")
        let files = try #require(run["file_results"] as? [[String: Any]])
        let expected = ["tests/t1.sh", "tests/t2.sh", "tests/t3.sh"] + (1...8).map { "tests/s\($0).sh" }
        #expect(files.compactMap { $0["path"] as? String }.sorted() == expected.sorted(), "each file recorded once")
        #expect(files.allSatisfy { $0["attempts"] as? Int == 1 }, "each file recorded once per attempt: \(files)")
        #expect(try await Self.workers(client).first { $0["name"] as? String == "a" }?["state"] as? String == "lost")

        // The same tree run locally gives the same result, file by file.
        let tree = directory.url.appendingPathComponent("local-tree")
        try await origin.exportTree(of: head, to: tree.path)
        let local = try await SlipwayBinary.run(["ci", "run", tree.path, "--workers", "2", "--json", "--data-dir",
                                                 directory.url.appendingPathComponent("local-data").path], timeout: .seconds(60))
        let localFiles = try #require((try local.json() as? [String: Any])?["files"] as? [[String: Any]], "\(local.stdout)")
        func statuses(_ files: [[String: Any]]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: files.compactMap { file in
                (file["path"] as? String).map { ($0, file["status"] as? String ?? "?") }
            })
        }
        #expect(statuses(files) == statuses(localFiles), "remote \(statuses(files)) vs local \(statuses(localFiles))")

        // Revoking b's token: its next call is refused and it stops; the lease it held goes back to the next run,
        // which a worker with a new token finishes.
        let second = try await origin.commit(parent: head, changes: [.write("version.txt", "second\n")], message: "again\n")
        try await origin.setReference("refs/pull/1/head", to: second)
        #expect(try await SlipwayBinary.run(["pr", "sync"] + client).status == 0)
        #expect(try await eventually(within: .seconds(60)) {
            try await Self.workers(client).first { $0["name"] as? String == "b" }
                .map { !((($0["work"] as? [[String: Any]]) ?? []).isEmpty) } ?? false
        }, "worker b never leased a slot of the second run")
        #expect(try await SlipwayBinary.run(["tokens", "revoke", "runner"] + client).status == 0)
        let revoked = try await b.value
        #expect(revoked.status == 2 && revoked.stderr.contains("refused"), "\(revoked.status) \(revoked.stderr)")
        // Each tree is downloaded at most once per worker; its other slots take it from the cache.
        let downloads = revoked.stdout.split(separator: "\n").filter { $0.hasSuffix(" downloaded") }
            .compactMap { $0.split(separator: " ").dropLast().last.map(String.init) }
        #expect(!downloads.isEmpty && Set(downloads).count == downloads.count, "\(revoked.stdout)")
        #expect(revoked.stdout.contains("from the cache"), "\(revoked.stdout)")
        #expect(try await Self.workers(client).allSatisfy { $0["name"] as? String != "b" }, "a revoked token's worker is forgotten")

        let newToken = try await Self.workerToken("runner-2", client: client)
        let workerC = StartedProcess()
        let c = Task { try await Self.worker("c", token: newToken, server: server, directory: directory.url, started: workerC) }
        let finished = try await Self.finishedRun(client, commitNot: run["commit"] as? String)
        #expect(finished["state"] as? String == "succeeded", "\(finished)")
        #expect((finished["file_results"] as? [[String: Any]])?.count == expected.count)

        let table = try await SlipwayBinary.run(["workers"] + client)
        #expect(table.stdout.contains("NAME") && table.stdout.contains("c ") && table.stdout.contains("idle"), "\(table.stdout)")
        let drained = try await SlipwayBinary.run(["workers", "drain", "c"] + client)
        #expect(drained.status == 0 && drained.stdout.contains("draining"), "\(drained.stdout) \(drained.stderr)")
        #expect(workerC.signal(SIGTERM), "the worker had already exited")
        let stopped = try await c.value
        #expect(stopped.status == 0 && stopped.stdout.contains("stopped"), "\(stopped.status) \(stopped.stderr)")
        #expect(service.signal(SIGTERM), "the service had already exited")
        #expect(try await serving.value.status == 0)
    }

    static func workerToken(_ name: String, client: [String]) async throws -> String {
        let created = try await SlipwayBinary.run(["tokens", "create", name, "--scope", "worker", "--json"] + client)
        return try #require((try created.json() as? [String: Any])?["token"] as? String, "\(created.stdout) \(created.stderr)")
    }

    static func worker(_ name: String, token: String, server: String, directory: URL,
                       started: StartedProcess) async throws -> SlipwayBinary.Result {
        try await SlipwayBinary.run(["worker", "--server", server, "--name", name, "--slots", "2", "--data-dir",
                                     directory.appendingPathComponent("worker-\(name)").path],
                                    environment: ["SLIPWAY_TOKEN": token], timeout: .seconds(150), started: started)
    }

    static func workers(_ client: [String]) async throws -> [[String: Any]] {
        (try await SlipwayBinary.run(["workers", "--json"] + client).json() as? [[String: Any]]) ?? []
    }

    /// The newest test run of pull request 1 once it finished (of another commit than `commitNot`).
    static func finishedRun(_ client: [String], commitNot: String? = nil) async throws -> [String: Any] {
        var found: [String: Any] = [:]
        let finished = try await eventually(within: .seconds(90)) {
            let runs = (try await SlipwayBinary.run(["test-runs", "--pipeline", "shop", "--json"] + client).json() as? [[String: Any]]) ?? []
            guard let newest = runs.first, newest["commit"] as? String != commitNot,
                  let state = newest["state"] as? String, !["queued", "running", "pending"].contains(state),
                  let id = newest["id"] as? String else { return false }
            found = (try await SlipwayBinary.run(["test-runs", "info", id, "--json"] + client).json() as? [String: Any]) ?? [:]
            return true
        }
        #expect(finished, "the test run never finished")
        return found
    }
}
