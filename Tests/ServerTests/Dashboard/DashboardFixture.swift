import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// A service on a real port with what a dashboard user would see: pipeline `shop` with three review apps
/// (deployed, creating, failed) and their `ci` checks, a staging app deployed for real (python3 dynos behind
/// the router, with traffic) and promoted to production, a finished sharded test run with a failing and a
/// flaky file, a running one, and the gate's decisions. Review apps, checks, runs and decisions are written
/// to the store directly (the pull-request flow of issue #7 writes them in the product). A remote test worker
/// `runner-1` (4 slots) registers through the worker API.
struct DashboardFixture: Sendable {
    static let pipeline = "shop"
    /// A review config var (a pipeline secret) that the failing test prints: the page must mask it.
    static let reviewSecret = "sk_test_51ReviewSecretValue"
    /// A staging config var value that the release phase prints: never on a page.
    static let databasePassword = "correct-horse-battery"
    static let failingFile = "tests/checkout/payment_test.sh"

    let service: TestService
    let runtime: TestRuntime
    let port: Int
    let routerPort: Int
    let finishedRunID: String
    let finishedRunFiles: [TestFileResult]
    let finishedRunWorkers: Int
    let runningRunID: String

    var token: String { service.adminToken }
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts the service, seeds it, runs `body`, then stops every dyno and removes the data dir.
    static func with(_ body: @Sendable (DashboardFixture) async throws -> Void) async throws {
        let service = try await TestService.make()
        defer { service.directory.remove() }
        let runtime = try await TestRuntime.start(service)
        let app = buildApplication(APIServerConfiguration(port: 0), store: service.store, deployer: runtime.deployer)
        do {
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let fixture = try await seed(service: service, runtime: runtime, client: client, port: port)
                try await body(fixture)
            }
        } catch {
            try? await runtime.shutdown()
            try? await service.close()
            throw error
        }
        try await runtime.shutdown()
        try await service.close()
    }

    private static func seed(service: TestService, runtime: TestRuntime, client: some TestClientProtocol,
                             port: Int) async throws -> DashboardFixture {
        let store = service.store
        let token = service.adminToken
        let shop = try ResourceName(pipeline)
        _ = try await store.createPipeline(Pipeline(
            name: shop, repository: "https://deploy:hunter2@git.example.com/acme/shop.git",
            reviewConfigVars: ["STRIPE_KEY": reviewSecret]))

        // Staging and production through the API, deployed for real.
        try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"shop-staging","pipeline":"shop","stage":"staging"}"#)
        try await client.api(.post, "/api/v1/apps", token: token, json: #"{"name":"shop-prod","pipeline":"shop","stage":"production"}"#)
        try await client.api(.patch, "/api/v1/apps/shop-staging/config-vars", token: token,
                             json: #"{"DATABASE_URL":"postgres://shop:\#(databasePassword)@db/shop","GREETING":"hi"}"#)
        if requiredInCI(FixturePython.isAvailable) {
            let source = try appSource(in: service.directory.url.appendingPathComponent("sources"))
            let deployed = try await client.api(.post, "/api/v1/apps/shop-staging/deploys", token: token,
                                                json: #"{"directory":"\#(source.path)"}"#)
            #expect(deployed.status == .created, "\(deployed.text)")
            let promoted = try await client.api(.post, "/api/v1/apps/shop-staging/promotions", token: token, json: "{}")
            #expect(promoted.status == .created, "\(promoted.text)")
            // Traffic for the app page's figures: a few answered requests through the router.
            for _ in 0..<5 { _ = try? await DeployTests.fetch(port: runtime.routerPort, host: "shop-staging.localhost") }
        }

        // Review apps, as the pull-request flow leaves them.
        let now = Date()
        let reviews: [(Int, String, ReviewAppState, CheckState, String)] = [
            (12, "feature/one-click-checkout", .deployed, .success, "38 files passed"),
            (15, "fix/tax-rounding", .creating, .pending, "running on 4 workers"),
            (9, "refactor/payments", .failed, .failure, "1 file failed: \(failingFile)"),
        ]
        for (index, (number, branch, state, check, note)) in reviews.enumerated() {
            let head = String(repeating: "\(index + 1)a", count: 20)
            let merge = String(repeating: "\(index + 1)f", count: 20)
            _ = try await store.createApp(App(
                name: try ResourceName("shop-pr-\(number)"), pipeline: shop, stage: .review,
                createdAt: now.addingTimeInterval(Double(-600 * (index + 1))),
                review: ReviewAppDetails(prNumber: number, branch: branch, headCommit: head, mergeCommit: merge, state: state,
                                         lastDeployedAt: state == .deployed ? now.addingTimeInterval(-300) : nil,
                                         urlHost: "pr-\(number).shop.localhost")))
            _ = try await store.recordCheck(pipeline: shop, commit: merge, context: "ci", state: .pending,
                                            description: "queued", targetURL: nil)
            if check != .pending {
                _ = try await store.recordCheck(pipeline: shop, commit: merge, context: "ci", state: check,
                                                description: note, targetURL: nil)
            }
        }

        // PR 9's finished run: 4 workers, one failing file (printing the review secret), one flaky file;
        // worker 3's results carry no start offsets (as recorded before offsets existed).
        var finished = try await store.createTestRun(pipeline: shop, prNumber: 9, branch: "refactor/payments",
                                                     commit: String(repeating: "3f", count: 20), workers: 4, split: "queue")
        let results = finishedResults()
        finished.state = .failed
        finished.startedAt = now.addingTimeInterval(-420)
        finished.finishedAt = now.addingTimeInterval(-412.6)
        finished.wallTimeSeconds = 7.4
        finished.fileResults = results
        finished.message = "1 file failed"
        finished = try await store.updateTestRun(finished)
        _ = try await store.recordCheck(pipeline: shop, commit: finished.commit, context: "ci", state: .failure,
                                        description: "1 file failed", targetURL: "/test-runs/\(finished.id)")

        // PR 15's run, still going.
        var running = try await store.createTestRun(pipeline: shop, prNumber: 15, branch: "fix/tax-rounding",
                                                    commit: String(repeating: "2f", count: 20), workers: 4, split: "timings")
        running.state = .running
        running.startedAt = now.addingTimeInterval(-20)
        running = try await store.updateTestRun(running)

        // A remote test worker, registered through the worker API with a worker token: the Workers panel on `/`.
        let worker = try await TokenScopeTests.token(.worker, client: client, admin: token)
        let registered = try await client.api(.put, "/api/v1/workers/runner-1", token: worker, json: #"{"slots":4}"#)
        #expect(registered.status == .ok, "\(registered.text)")

        _ = try await store.recordGateDecision(pipeline: shop, prNumber: 7, mergeCommit: String(repeating: "7e", count: 20),
                                               verdict: .merged, reason: "all required checks passed")
        _ = try await store.recordGateDecision(pipeline: shop, prNumber: 9, mergeCommit: finished.commit,
                                               verdict: .refused, reason: "check ci failed")

        return DashboardFixture(service: service, runtime: runtime, port: port, routerPort: runtime.routerPort,
                                finishedRunID: finished.id, finishedRunFiles: results, finishedRunWorkers: 4,
                                runningRunID: running.id)
    }

    /// 16 files over 4 workers, with realistic gaps between batches.
    static func finishedResults() -> [TestFileResult] {
        let plan: [(worker: Int, files: [(String, Double, TestFileStatus)])] = [
            (0, [("tests/api/orders_test.sh", 2.6, .passed), ("tests/api/users_test.sh", 1.1, .passed),
                 ("tests/models/cart_test.sh", 2.4, .passed), ("tests/models/product_test.sh", 0.9, .passed)]),
            (1, [(failingFile, 4.8, .failed), ("tests/checkout/tax_test.sh", 1.3, .passed), ("tests/checkout/coupon_test.sh", 0.7, .passed)]),
            (2, [("tests/ui/login_test.sh", 2.2, .flaky), ("tests/ui/search_test.sh", 1.9, .passed),
                 ("tests/lib/money_test.sh", 0.4, .passed), ("tests/lib/dates_test.sh", 0.3, .passed), ("tests/lib/slug_test.sh", 1.6, .passed)]),
            (3, [("tests/mail/welcome_test.sh", 2.0, .passed), ("tests/mail/receipt_test.sh", 1.7, .passed),
                 ("tests/jobs/cleanup_test.sh", 1.5, .passed), ("tests/jobs/reindex_test.sh", 1.2, .passed)]),
        ]
        var results: [TestFileResult] = []
        for (worker, files) in plan {
            var clock = 0.12 + Double(worker) * 0.03
            for (path, seconds, status) in files {
                let failure: String? = switch status {
                case .failed: """
                    exit status 1
                    --- payment_test.sh
                    charging card 4242 with key \(reviewSecret)
                    expected: 1999
                    actual:   2000
                    FAIL: rounding of the order total
                    """
                case .flaky: "attempt 1: timed out waiting for the login form (passed on retry)"
                case .passed: nil
                }
                results.append(TestFileResult(path: path, worker: worker, seconds: seconds, status: status,
                                              attempts: status == .flaky ? 2 : 1, failure: failure,
                                              startOffsetSeconds: worker == 3 ? nil : clock))
                clock += seconds + 0.05
            }
        }
        return results
    }

    /// A web app whose release phase prints its database URL (a secret) and whose web process logs.
    static func appSource(in parent: URL) throws -> URL {
        let directory = parent.appendingPathComponent("shop-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try DeployTests.serverScript.write(to: directory.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        try "web: exec python3 server.py\nrelease: echo \"migrating $DATABASE_URL\"; echo 'migrations: 3 applied'\n"
            .write(to: directory.appendingPathComponent("Procfile"), atomically: true, encoding: .utf8)
        try "shop".write(to: directory.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        return directory
    }
}
