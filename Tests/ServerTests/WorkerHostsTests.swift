import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GitKit
import SlipwayTestSupport
import Testing

/// Remote test workers on separate hosts: two network namespaces (TestHostNetwork), each running one
/// `slipway worker` that reaches the service only over the test network, and the service on this host (this
/// process's namespace, bound to its address on that network). A 64-file run over 8 slots, 4 on each worker:
/// every file recorded once, and after `kill -9` of one worker mid-run its files run on the other and the
/// result equals a local run's.
@Suite(.serialized)
struct WorkerHostsTests {
    /// 61 files beside the fixture's three: 64, each long enough that a batch is in flight when a worker dies.
    static let files: [FileChange] = (1...61).map { .write("tests/h\($0).sh", "sleep 0.4\ntest -f app.py\n") }

    @Test func aRunSpreadOverTwoWorkerHostsSurvivesTheDeathOfOne() async throws {
        // Never skipped: without root and iproute2 the test fails, saying what it needs.
        try #require(TestHostNetwork.isAvailable, "network namespaces need root and iproute2 (ci/setup installs it)")
        let network = try TestHostNetwork(hosts: 2)
        defer { network.remove() }
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let originPath = directory.url.appendingPathComponent("origin.git").path
        let (origin, base) = try await PullRequestFixture.makeOrigin(at: originPath, extraTests: Self.files)
        let head = try await origin.commit(parent: base, changes: [.write("version.txt", "hosts\n")], message: "pr\n")
        try await origin.setReference("refs/pull/1/head", to: head)

        let data = directory.url.appendingPathComponent("data")
        let apiPort = try freeLoopbackPort()
        // The service listens on its address on the test network only: the workers cannot reach it otherwise.
        let server = "http://\(network.localAddress):\(apiPort)"
        let serve = ["serve", "--data-dir", data.path, "--bind", network.localAddress, "--api-port", "\(apiPort)",
                     "--router-port", "\(try freeLoopbackPort())", "--poll-seconds", "0", "--test-workers", "8",
                     "--local-test-slots", "0", "--worker-heartbeat", "0.5", "--allow-path", directory.url.path]
        let client = ["--server", server, "--data-dir", data.path]
        let service = StartedProcess()
        let serving = Task { try await SlipwayBinary.run(serve, timeout: .seconds(180), started: service) }
        defer { service.signal(SIGKILL) }
        #expect(try await eventually { (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0 })

        // Each host sees the service and nothing of this host's loopback.
        let loopbackFromHost = try await SlipwayBinary.run(["pipelines", "--server", "http://127.0.0.1:\(apiPort)"],
                                                           environment: ["SLIPWAY_TOKEN": "x"], on: network.hosts[0])
        #expect(loopbackFromHost.status != 0, "a host reached this host's loopback")

        let token = try await RemoteWorkerTests.workerToken("hosts", client: client)
        let startedA = StartedProcess(), startedB = StartedProcess()
        let a = Task { try await Self.worker("a", on: network.hosts[0], token: token, server: server, directory: directory.url, started: startedA) }
        let b = Task { try await Self.worker("b", on: network.hosts[1], token: token, server: server, directory: directory.url, started: startedB) }
        defer { for started in [startedA, startedB] { started.signal(SIGKILL) } }
        #expect(try await eventually { try await RemoteWorkerTests.workers(client).count == 2 }, "the workers never registered")

        #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + client).status == 0)
        #expect(try await SlipwayBinary.run(["pr", "sync"] + client).status == 0)
        // Both workers take part: each holds slots of the run, and a's batches are killed in flight.
        #expect(try await eventually(within: .seconds(90)) {
            let workers = try await RemoteWorkerTests.workers(client)
            return workers.count == 2 && workers.allSatisfy { (($0["work"] as? [[String: Any]]) ?? []).contains { $0["batch"] != nil } }
        }, "the run never ran batches on both hosts")
        #expect(startedA.signal(SIGKILL), "worker a had already exited")
        _ = try await a.value

        let run = try await RemoteWorkerTests.finishedRun(client)
        #expect(run["state"] as? String == "succeeded", "\(run)")
        let results = try #require(run["file_results"] as? [[String: Any]])
        #expect(results.count == 64, "each file recorded once: \(results.count)")
        #expect(Set(results.compactMap { $0["path"] as? String }).count == 64)
        #expect(results.allSatisfy { $0["attempts"] as? Int == 1 }, "each file recorded once per attempt")

        // The same tree run locally gives the same result, file by file.
        let tree = directory.url.appendingPathComponent("local-tree")
        try await origin.exportTree(of: head, to: tree.path)
        let local = try await SlipwayBinary.run(["ci", "run", tree.path, "--workers", "2", "--json", "--data-dir",
                                                 directory.url.appendingPathComponent("local-data").path], timeout: .seconds(120))
        let localFiles = try #require((try local.json() as? [String: Any])?["files"] as? [[String: Any]], "\(local.stdout)")
        #expect(Self.statuses(results) == Self.statuses(localFiles))

        #expect(startedB.signal(SIGTERM), "worker b had already exited")
        #expect(try await b.value.status == 0)
        #expect(service.signal(SIGTERM), "the service had already exited")
        #expect(try await serving.value.status == 0)
    }

    /// A test on a worker host signs in to the run's own PostgreSQL database and Redis, on the managed servers of the
    /// service's host: `serve --addons-address` has them listen on its address on the test network and name it in
    /// the URLs (loopback URLs would point at the worker's own machine).
    @Test func aRemoteWorkersTestsReachTheRunsAddOns() async throws {
        try #require(TestHostNetwork.isAvailable, "network namespaces need root and iproute2 (ci/setup installs it)")
        let network = try TestHostNetwork(hosts: 1)
        defer { network.remove() }
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let address = network.localAddress
        let originPath = directory.url.appendingPathComponent("origin.git").path
        let (origin, base) = try await PullRequestFixture.makeOrigin(at: originPath)
        let head = try await origin.commit(parent: base, changes: [
            .write("app.json", """
                { "addons": ["heroku-postgresql", "heroku-redis"],
                  "environments": { "test": { "scripts": { "test": "sh bin/run-tests {files}" }, "formation": { "test": { "quantity": 1 } } } },
                  "slipway": { "tests": { "files": ["tests/*.sh"] } } }
                """),
            // Fails unless the URLs name the service's address and both servers answer from the worker's host.
            .write("tests/t1.sh", """
                set -e
                case "$DATABASE_URL" in *@\(address):*) ;; *) echo "DATABASE_URL names another host"; exit 1;; esac
                case "$REDIS_URL" in *@\(address):*) ;; *) echo "REDIS_URL names another host"; exit 1;; esac
                test "$(psql "$DATABASE_URL" -tAc 'SELECT 40 + 2')" = 42
                test "$(redis-cli --no-auth-warning -u "$REDIS_URL" PING)" = PONG
                """),
        ], message: "tests use add-ons\n")
        try await origin.setReference("refs/pull/1/head", to: head)

        let data = directory.url.appendingPathComponent("data")
        let apiPort = try freeLoopbackPort()
        let server = "http://\(address):\(apiPort)"
        let serve = ["serve", "--data-dir", data.path, "--bind", address, "--api-port", "\(apiPort)",
                     "--router-port", "\(try freeLoopbackPort())", "--poll-seconds", "0", "--local-test-slots", "0",
                     "--addons-address", address, "--allow-path", directory.url.path]
        let client = ["--server", server, "--data-dir", data.path]
        let service = StartedProcess()
        let serving = Task { try await SlipwayBinary.run(serve, timeout: .seconds(180), started: service) }
        defer { service.signal(SIGKILL) }
        #expect(try await eventually { (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0 })
        let token = try await RemoteWorkerTests.workerToken("addons", client: client)
        let started = StartedProcess()
        let working = Task { try await Self.worker("a", on: network.hosts[0], token: token, server: server, directory: directory.url, started: started) }
        defer { started.signal(SIGKILL) }

        #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + client).status == 0)
        #expect(try await SlipwayBinary.run(["pr", "sync"] + client).status == 0)
        let run = try await RemoteWorkerTests.finishedRun(client)
        let results = try #require(run["file_results"] as? [[String: Any]], "\(run)")
        let database = results.first { $0["path"] as? String == "tests/t1.sh" }
        #expect(database?["status"] as? String == "passed", "\(database ?? [:])")
        #expect(run["state"] as? String == "succeeded", "\(run)")

        #expect(started.signal(SIGTERM), "the worker had already exited")
        #expect(try await working.value.status == 0)
        #expect(service.signal(SIGTERM), "the service had already exited")
        #expect(try await serving.value.status == 0)
    }

    static func worker(_ name: String, on host: TestHostNetwork.Host, token: String, server: String, directory: URL,
                       started: StartedProcess) async throws -> SlipwayBinary.Result {
        try await SlipwayBinary.run(["worker", "--server", server, "--name", name, "--slots", "4", "--data-dir",
                                     directory.appendingPathComponent("worker-\(name)").path],
                                    environment: ["SLIPWAY_TOKEN": token], timeout: .seconds(180), started: started, on: host)
    }

    static func statuses(_ files: [[String: Any]]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: files.compactMap { file in
            (file["path"] as? String).map { ($0, file["status"] as? String ?? "?") }
        })
    }
}
