import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import GitKit
import Platform
import PostgresTestSupport
import SlipwayModel
import SlipwayTestSupport
import Testing

/// Issue #17's last part: two `serve` processes (own data dirs and ports, on loopback) on one PostgreSQL database and
/// one pipeline. A pull request's webhook arrives at the second while the first runs; the instance that owns the
/// resulting test run is killed with SIGKILL in the middle of it; the survivor adopts the run once the dead one's
/// heartbeat is five intervals old, runs it again under its own ownership and completes it: the run (the same one,
/// no second run) ends `succeeded` with every file recorded exactly once, the `ci` check on the merge succeeds, and the
/// survivor's log says it adopted the run. Unsandboxed (`--no-sandbox`): what is under test is the instances' sharing
/// of the store, not the sandbox, which the crash tests cover on one instance.
@Suite(.serialized)
struct MultiInstanceTests {
    static let files = ["tests/t1.sh", "tests/t2.sh", "tests/t3.sh", "tests/t4.sh", "tests/t5.sh", "tests/t6.sh", "tests/t7.sh"]

    @Test func theSurvivorCompletesTheKilledInstancesTestRun() async throws {
        let cluster = try await PostgresTestCluster.shared()
        let database = try await cluster.makeDatabase()
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let originPath = directory.url.appendingPathComponent("origin.git").path
        // Four files that sleep 3 s each on two workers: about 6 s of tests, long enough to kill the owner mid-run.
        let (origin, base) = try await PullRequestFixture.makeOrigin(at: originPath, waitForCI: true, extraTests: (4...7).map {
            .write("tests/t\($0).sh", "sleep 3\n")
        })
        let token = TokenGenerator.generate()
        let secret = "multi-instance-webhook-secret"
        let environment = ["SLIPWAY_TOKEN": token, "SLIPWAY_WEBHOOK_SECRET": secret]

        let instances = try ["a", "b"].map { name in
            try Instance(name: name, root: directory.url, database: cluster.url(database: database), allowPath: directory.url.path)
        }
        var serving: [Task<SlipwayBinary.Result, any Error>] = []
        defer { for instance in instances { if let pid = instance.process.pid { kill(pid, SIGKILL) } } }
        // One after the other: the first start stores the admin token, the second finds it.
        for instance in instances {
            let arguments = instance.serveArguments
            let process = instance.process
            serving.append(Task { try await SlipwayBinary.run(arguments, environment: environment, timeout: .seconds(240), started: process) })
            #expect(try await eventually(within: .seconds(60)) {
                (try? await SlipwayBinary.run(["pipelines", "--json"] + instance.client, environment: environment))?.status == 0
            }, "instance \(instance.name) did not come up")
        }
        let (a, b) = (instances[0], instances[1])
        #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + a.client,
                                            environment: environment).status == 0)
        // Both instances are registered and alive.
        #expect(try await cluster.administer("SELECT count(*)::text FROM service_instances", database: database) == ["2"])

        // The pull request opens; GitHub's webhook reaches the second instance.
        let head = try await origin.commit(parent: base, changes: [.write("version.txt", "multi\n")], message: "pr\n")
        try await origin.setReference("refs/pull/1/head", to: head)
        let payload = try PullRequestFixture.pullRequestPayload(action: "opened", number: 1, head: head.hex, branch: "feature",
                                                                updatedAt: Date())
        let delivered = try await Self.deliver(payload, event: "pull_request", to: b, secret: secret)
        #expect(delivered == 200 || delivered == 202, "the webhook was answered \(delivered)")

        // The run starts on one instance (its owner) and its test processes are running.
        var runID = ""
        var ownerPort = ""
        #expect(try await eventually(within: .seconds(90)) {
            let rows = try await cluster.administer("""
                SELECT r.id || ' ' || r.state || ' ' || coalesce(split_part(i.name, ':', 2), '')
                FROM test_runs r LEFT JOIN service_instances i ON i.id = r.owner_instance WHERE r.pr_number = 1
                """, database: database)
            guard let fields = rows.first?.split(separator: " ").map(String.init), fields.count == 3,
                  fields[1] == "running" else { return false }
            runID = fields[0]
            ownerPort = fields[2]
            return true
        }, "no test run of pull request #1 started")
        let owner = try #require(instances.first { "\($0.apiPort)" == ownerPort }, "the run's owner is neither instance")
        let survivor = owner === a ? b : a
        #expect(try await eventually(within: .seconds(60)) { !PullRequestCrashTests.processes(under: owner.data.appendingPathComponent("tmp")).isEmpty },
                "no test process of the owner found to kill mid-run")
        try await Task.sleep(for: .seconds(1))
        kill(try #require(owner.process.pid), SIGKILL)
        let killed = ContinuousClock.now
        _ = try await serving[owner === a ? 0 : 1].value

        // The survivor adopts the run and completes it.
        #expect(try await eventually(within: .seconds(120), every: .milliseconds(250)) {
            try await cluster.administer("SELECT state FROM test_runs WHERE id = '\(runID)'", database: database) == ["succeeded"]
        }, "the adopted run did not succeed")
        // For the README: from the kill to the adopted run's success (5 heartbeats of silence, fetch, test build, tests).
        print("multi-instance: instance \(owner.name) (owner) killed; run \(runID) succeeded on \(survivor.name) after \(ContinuousClock.now - killed)")
        let ended = try await cluster.administer(
            "SELECT state || ' ' || coalesce(message, '') FROM test_runs WHERE id = '\(runID)'", database: database)
        #expect(ended.first?.hasPrefix("succeeded") == true, "\(ended)")
        let survivorID = try await cluster.administer(
            "SELECT id FROM service_instances WHERE name LIKE '%:\(survivor.apiPort)'", database: database)
        #expect(try await cluster.administer("SELECT owner_instance FROM test_runs WHERE id = '\(runID)'", database: database) == survivorID)
        // One run for the pull request, and every file recorded exactly once.
        #expect(try await cluster.administer("SELECT id FROM test_runs WHERE pr_number = 1", database: database) == [runID])
        let recorded = try await cluster.administer(
            "SELECT path || ' ' || count(*) FROM test_file_results WHERE run_id = '\(runID)' GROUP BY path ORDER BY path",
            database: database)
        #expect(recorded == Self.files.map { "\($0) 1" }, "\(recorded)")
        let merge = try #require(try await cluster.administer("SELECT commit_id FROM test_runs WHERE id = '\(runID)'", database: database).first)
        #expect(try await eventually {
            try await cluster.administer("""
                SELECT state FROM checks WHERE commit_id = '\(merge)' AND context = 'ci' ORDER BY id DESC LIMIT 1
                """, database: database) == ["success"]
        }, "the ci check of the merge did not succeed")

        kill(try #require(survivor.process.pid), SIGTERM)
        let result = try await serving[survivor === a ? 0 : 1].value
        #expect(result.status == 0, "the survivor exited \(result.status): \(result.stderr.suffix(2000))")
        #expect((result.stderr + result.stdout).contains("adopted test run \(runID)"), "\(result.stderr.suffix(3000))")
        #expect(!result.stdout.contains(token) && !result.stderr.contains(token))
        try? await cluster.dropDatabase(database)
    }

    /// POSTs a signed GitHub delivery to the instance's webhook route; returns the HTTP status.
    static func deliver(_ body: Data, event: String, to instance: Instance, secret: String) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(instance.apiPort)/webhooks/github?pipeline=shop")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(event, forHTTPHeaderField: "X-GitHub-Event")
        request.setValue(UUID().uuidString, forHTTPHeaderField: "X-GitHub-Delivery")
        request.setValue(WebhookSignature.sign(body, secret: secret), forHTTPHeaderField: WebhookSignature.headerName)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// One `serve` of the pair: its data dir, ports and arguments.
    final class Instance: Sendable {
        let name: String
        let data: URL
        let apiPort: Int
        let routerPort: Int
        let database: String
        let allowPath: String
        let process = StartedProcess()

        init(name: String, root: URL, database: String, allowPath: String) throws {
            self.name = name
            data = root.appendingPathComponent("data-\(name)")
            apiPort = try freeLoopbackPort()
            routerPort = try freeLoopbackPort()
            self.database = database
            self.allowPath = allowPath
        }

        var serveArguments: [String] {
            ["serve", "--data-dir", data.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)",
             "--poll-seconds", "0", "--test-workers", "2", "--database", database, "--no-sandbox",
             "--instance-heartbeat", "0.5", "--allow-path", allowPath]
        }

        var client: [String] { ["--server", "http://127.0.0.1:\(apiPort)", "--data-dir", data.path] }
    }
}
