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
        let pair = try await Pair.start()
        defer { pair.stop() }
        let (runID, owner, survivor) = try await pair.startTestRun()
        kill(try #require(owner.process.pid), SIGKILL)
        let killed = ContinuousClock.now
        _ = try await pair.serving[owner.index].value
        pair.releaseTests()

        // The survivor adopts the run and completes it.
        try await pair.expectCompleted(runID, by: survivor)
        // For the README: from the kill to the adopted run's success (5 heartbeats of silence, fetch, test build, tests
        // that no longer wait).
        print("multi-instance: instance \(owner.name) (owner) killed; run \(runID) succeeded on \(survivor.name) after \(ContinuousClock.now - killed)")

        let result = try await pair.terminate(survivor)
        #expect(result.status == 0, "the survivor exited \(result.status): \(result.stderr.suffix(2000))")
        #expect((result.stderr + result.stdout).contains("adopted test run \(runID)"), "\(result.stderr.suffix(3000))")
        #expect(!result.stdout.contains(pair.token) && !result.stderr.contains(pair.token))
        try? await pair.cluster.dropDatabase(pair.database)
    }

    /// A zombie: the owner is stopped (SIGSTOP) mid-run, not killed, so its test processes go on; the other instance
    /// adopts the run once the owner's heartbeat is five intervals old. The owner then resumes (SIGCONT) and finishes its
    /// attempt, but the store fences its result off: the adopter's result is the one recorded, each file once, and the
    /// former owner logs that it lost the run.
    @Test func aStoppedOwnerThatComesBackCannotRecordTheAdoptedRun() async throws {
        let pair = try await Pair.start()
        defer { pair.stop() }
        let (runID, owner, survivor) = try await pair.startTestRun()
        let ownerPID = try #require(owner.process.pid)
        kill(ownerPID, SIGSTOP)
        let adopted = try await eventually(within: .seconds(60), every: .milliseconds(100)) {
            try await pair.owner(of: runID) == pair.instanceID(survivor)
        }
        // Its test processes were not stopped: they end now, while it is, and it collects them when it resumes.
        pair.releaseTests()
        kill(ownerPID, SIGCONT)
        #expect(adopted, "the stopped owner's run was not adopted")

        try await pair.expectCompleted(runID, by: survivor)
        // The former owner, alive again, finished its own attempt and was refused.
        let zombie = try await pair.terminate(owner)
        #expect(zombie.status == 0, "the former owner exited \(zombie.status): \(zombie.stderr.suffix(2000))")
        #expect(zombie.stderr.contains("test run lost to another service instance"), "\(zombie.stderr.suffix(3000))")
        #expect(try await pair.owner(of: runID) == pair.instanceID(survivor))
        let result = try await pair.terminate(survivor)
        #expect((result.stderr + result.stdout).contains("adopted test run \(runID)"), "\(result.stderr.suffix(3000))")
        try? await pair.cluster.dropDatabase(pair.database)
    }

    /// A newer push seen at the other instance retires the owner's older run: the other instance tests the new merge
    /// and ends the older run in the store, and the owner stops its test processes at its next heartbeat.
    @Test func aNewerPushAtTheOtherInstanceStopsTheOwnersOlderRun() async throws {
        let pair = try await Pair.start()
        defer { pair.stop() }
        let (oldRun, owner, other) = try await pair.startTestRun()
        let newHead = try await pair.origin.commit(parent: pair.base, changes: [.write("version.txt", "multi 2\n")], message: "push\n")
        try await pair.origin.setReference("refs/pull/1/head", to: newHead)
        let payload = try PullRequestFixture.pullRequestPayload(action: "synchronize", number: 1, head: newHead.hex,
                                                                branch: "feature", updatedAt: Date().addingTimeInterval(60))
        let delivered = try await MultiInstanceTests.deliver(payload, event: "pull_request", to: other, secret: pair.secret)
        #expect(delivered == 200 || delivered == 202, "the webhook was answered \(delivered)")

        // The older run ends, and its owner's test processes go although the marker still holds them.
        #expect(try await eventually(within: .seconds(60)) {
            try await pair.sql("SELECT state FROM test_runs WHERE id = '\(oldRun)'") == ["cancelled"]
        }, "the older run was not cancelled")
        #expect(try await eventually(within: .seconds(60)) {
            PullRequestCrashTests.processes(under: owner.data.appendingPathComponent("tmp")).isEmpty
        }, "the owner did not stop the older run's test processes")
        // The new merge is tested at the other instance.
        let otherID = try await pair.instanceID(other)
        var newRun = ""
        #expect(try await eventually(within: .seconds(90)) {
            let rows = try await pair.sql("SELECT id || ' ' || coalesce(owner_instance, '') FROM test_runs WHERE id <> '\(oldRun)'")
            guard let fields = rows.first?.split(separator: " ").map(String.init), rows.count == 1, fields.count == 2 else { return false }
            newRun = fields[0]
            return fields[1] == otherID
        }, "no run of the new merge at the other instance")
        pair.releaseTests()
        #expect(try await eventually(within: .seconds(90)) {
            try await pair.sql("SELECT state FROM test_runs WHERE id = '\(newRun)'") == ["succeeded"]
        }, "the new merge's run did not succeed")
        #expect(try await pair.sql("SELECT state FROM test_runs WHERE id = '\(oldRun)'") == ["cancelled"])

        let stopped = try await pair.terminate(owner)
        #expect(stopped.stderr.contains("test run \(oldRun) was ended by another service instance"), "\(stopped.stderr.suffix(3000))")
        _ = try await pair.terminate(other)
        try? await pair.cluster.dropDatabase(pair.database)
    }

    /// The pull request closes, and GitHub tells the instance that does not run its test: the run ends `cancelled` and
    /// its owner stops it.
    @Test func aCloseAtTheOtherInstanceStopsTheOwnersRun() async throws {
        let pair = try await Pair.start()
        defer { pair.stop() }
        let (run, owner, other) = try await pair.startTestRun()
        let head = try #require(try await pair.sql("SELECT head_commit FROM pull_requests WHERE number = 1").first)
        let payload = try PullRequestFixture.pullRequestPayload(action: "closed", number: 1, head: head, branch: "feature",
                                                                updatedAt: Date().addingTimeInterval(60))
        let delivered = try await MultiInstanceTests.deliver(payload, event: "pull_request", to: other, secret: pair.secret)
        #expect(delivered == 200 || delivered == 202, "the webhook was answered \(delivered)")
        #expect(try await eventually(within: .seconds(60)) {
            try await pair.sql("SELECT state FROM test_runs WHERE id = '\(run)'") == ["cancelled"]
        }, "the closed pull request's run was not cancelled")
        #expect(try await eventually(within: .seconds(60)) {
            PullRequestCrashTests.processes(under: owner.data.appendingPathComponent("tmp")).isEmpty
        }, "the owner did not stop the closed pull request's test processes")
        #expect(try await pair.sql("SELECT count(*)::text FROM test_runs") == ["1"])
        _ = try await pair.terminate(other)
        let stopped = try await pair.terminate(owner)
        #expect(stopped.stderr.contains("test run \(run) was ended by another service instance"), "\(stopped.stderr.suffix(3000))")
        try? await pair.cluster.dropDatabase(pair.database)
    }

    /// Two `serve` on one fresh database of the test cluster, a pipeline on a local origin, and the tools to watch them.
    final class Pair: @unchecked Sendable {
        // Written only in `start`, before the tests read them.
        let cluster: PostgresTestCluster
        let database: String
        let directory: TestDataDirectory
        let origin: Repository
        let base: ObjectID
        let instances: [Instance]
        /// While it exists, the slow test files wait.
        let marker: URL
        var serving: [Task<SlipwayBinary.Result, any Error>] = []
        let token = TokenGenerator.generate()
        let secret = "multi-instance-webhook-secret"
        var environment: [String: String] { ["SLIPWAY_TOKEN": token, "SLIPWAY_WEBHOOK_SECRET": secret] }

        private init(cluster: PostgresTestCluster, database: String, directory: TestDataDirectory, origin: Repository,
                     base: ObjectID, instances: [Instance], marker: URL) {
            self.marker = marker
            self.cluster = cluster
            self.database = database
            self.directory = directory
            self.origin = origin
            self.base = base
            self.instances = instances
        }

        /// Starts both instances, one after the other (the first stores the admin token, the second finds it), and
        /// creates the pipeline through the first.
        static func start() async throws -> Pair {
            let cluster = try await PostgresTestCluster.shared()
            let database = try await cluster.makeDatabase()
            let directory = try TestDataDirectory()
            let originPath = directory.url.appendingPathComponent("origin.git").path
            // Four files that wait while the marker exists (the tests run unsandboxed, so they see it): the owner's run
            // is still going whenever the test stops or kills it, however loaded the machine; `releaseTests` lets them end.
            let marker = directory.url.appendingPathComponent("tests-wait")
            try Data().write(to: marker)
            let (origin, base) = try await PullRequestFixture.makeOrigin(at: originPath, waitForCI: true, extraTests: (4...7).map {
                .write("tests/t\($0).sh", "while [ -e '\(marker.path)' ]; do sleep 0.1; done\n")
            })
            let instances = try ["a", "b"].enumerated().map { index, name in
                try Instance(name: name, index: index, root: directory.url, database: cluster.url(database: database),
                             allowPath: directory.url.path)
            }
            let pair = Pair(cluster: cluster, database: database, directory: directory, origin: origin, base: base,
                            instances: instances, marker: marker)
            for instance in instances {
                let arguments = instance.serveArguments
                let process = instance.process
                let environment = pair.environment
                pair.serving.append(Task {
                    try await SlipwayBinary.run(arguments, environment: environment, timeout: .seconds(240), started: process)
                })
                #expect(try await eventually(within: .seconds(60)) {
                    (try? await SlipwayBinary.run(["pipelines", "--json"] + instance.client, environment: environment))?.status == 0
                }, "instance \(instance.name) did not come up")
            }
            #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + instances[0].client,
                                                environment: pair.environment).status == 0)
            // Both instances are registered and alive.
            #expect(try await cluster.administer("SELECT count(*)::text FROM service_instances", database: database) == ["2"])
            return pair
        }

        /// Opens pull request #1, delivers GitHub's webhook to the second instance, and waits until the run is
        /// `running` with test processes of its owner alive; returns the run, its owner and the other instance.
        func startTestRun() async throws -> (run: String, owner: Instance, other: Instance) {
            let head = try await origin.commit(parent: base, changes: [.write("version.txt", "multi\n")], message: "pr\n")
            try await origin.setReference("refs/pull/1/head", to: head)
            let payload = try PullRequestFixture.pullRequestPayload(action: "opened", number: 1, head: head.hex, branch: "feature",
                                                                    updatedAt: Date())
            let delivered = try await MultiInstanceTests.deliver(payload, event: "pull_request", to: instances[1], secret: secret)
            #expect(delivered == 200 || delivered == 202, "the webhook was answered \(delivered)")

            var runID = ""
            var ownerPort = ""
            let started = try await eventually(within: .seconds(90)) {
                let rows = try await self.sql("""
                    SELECT r.id || ' ' || r.state || ' ' || coalesce(split_part(i.name, ':', 2), '')
                    FROM test_runs r LEFT JOIN service_instances i ON i.id = r.owner_instance WHERE r.pr_number = 1
                    """)
                guard let fields = rows.first?.split(separator: " ").map(String.init), fields.count == 3,
                      fields[1] == "running" else { return false }
                runID = fields[0]
                ownerPort = fields[2]
                return true
            }
            try #require(started, "no test run of pull request #1 started")
            let owner = try #require(instances.first { "\($0.apiPort)" == ownerPort }, "the run's owner is neither instance")
            #expect(try await eventually(within: .seconds(120)) {
                !PullRequestCrashTests.processes(under: owner.data.appendingPathComponent("tmp")).isEmpty
            }, "no test process of the owner found to stop mid-run")
            return (runID, owner, instances[1 - owner.index])
        }

        /// The run ends `succeeded`, owned by `adopter`; it is the pull request's only run, each file is recorded
        /// exactly once, and the `ci` check of the merge succeeded.
        func expectCompleted(_ runID: String, by adopter: Instance) async throws {
            #expect(try await eventually(within: .seconds(120), every: .milliseconds(250)) {
                try await self.sql("SELECT state FROM test_runs WHERE id = '\(runID)'") == ["succeeded"]
            }, "the adopted run did not succeed")
            let ended = try await sql("SELECT state || ' ' || coalesce(message, '') FROM test_runs WHERE id = '\(runID)'")
            #expect(ended.first?.hasPrefix("succeeded") == true, "\(ended)")
            #expect(try await owner(of: runID) == instanceID(adopter))
            #expect(try await sql("SELECT id FROM test_runs WHERE pr_number = 1") == [runID])
            let recorded = try await sql(
                "SELECT path || ' ' || count(*) FROM test_file_results WHERE run_id = '\(runID)' GROUP BY path ORDER BY path")
            #expect(recorded == MultiInstanceTests.files.map { "\($0) 1" }, "\(recorded)")
            let merge = try #require(try await sql("SELECT commit_id FROM test_runs WHERE id = '\(runID)'").first)
            #expect(try await eventually {
                try await self.sql("""
                    SELECT state FROM checks WHERE commit_id = '\(merge)' AND context = 'ci' ORDER BY id DESC LIMIT 1
                    """) == ["success"]
            }, "the ci check of the merge did not succeed")
        }

        func owner(of runID: String) async throws -> String? {
            try await sql("SELECT owner_instance FROM test_runs WHERE id = '\(runID)'").first
        }

        func instanceID(_ instance: Instance) async throws -> String? {
            try await sql("SELECT id FROM service_instances WHERE name LIKE '%:\(instance.apiPort)'").first
        }

        /// Lets the waiting test files end.
        func releaseTests() {
            try? FileManager.default.removeItem(at: marker)
        }

        /// SIGTERM, then the instance's exit status and output.
        func terminate(_ instance: Instance) async throws -> SlipwayBinary.Result {
            kill(try #require(instance.process.pid), SIGTERM)
            return try await serving[instance.index].value
        }

        func sql(_ query: String) async throws -> [String] {
            try await cluster.administer(query, database: database)
        }

        /// Kills what is left and removes the directory (the database is dropped by a test that passed).
        func stop() {
            for instance in instances { if let pid = instance.process.pid { kill(pid, SIGKILL) } }
            directory.remove()
        }
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
        /// Its place in the pair (and in `Pair.serving`).
        let index: Int
        let data: URL
        let apiPort: Int
        let routerPort: Int
        let database: String
        let allowPath: String
        let process = StartedProcess()

        init(name: String, index: Int, root: URL, database: String, allowPath: String) throws {
            self.name = name
            self.index = index
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
