import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GitHubReporting
import Orchestration
import SlipwayModel
import SlipwayTestSupport
import Store
import Testing

/// `kill -9` of `slipway serve` with 50 deliveries in its outbox (one of them in flight, never answered), then a
/// restart: GitHub receives every one exactly once, in the order they were queued.
@Suite(.serialized)
struct GitHubOutboxCrashTests {
    @Test func fiftyQueuedDeliveriesSurviveAKill() async throws {
        let github = try await GitHubContractServer.start()
        defer { github.stop() }
        let directory = try TestDataDirectory()
        defer { directory.remove() }
        let originPath = directory.url.appendingPathComponent("origin.git").path
        _ = try await PullRequestFixture.makeOrigin(at: originPath)
        let data = directory.url.appendingPathComponent("data")
        let apiPort = try freeLoopbackPort()
        let routerPort = try freeLoopbackPort()
        let serve = ["serve", "--data-dir", data.path, "--api-port", "\(apiPort)", "--router-port", "\(routerPort)",
                     "--poll-seconds", "0", "--github-timeout", "300", "--public-url", "https://ci.example.com",
                     // The origin lies beside the data dir, not in it.
                     "--allow-path", directory.url.path]
        let client = ["--server", "http://127.0.0.1:\(apiPort)", "--data-dir", data.path]

        let first = StartedProcess()
        let serving = Task { try await SlipwayBinary.run(serve, timeout: .seconds(120), started: first) }
        #expect(try await eventually { (try? await SlipwayBinary.run(["pipelines", "--json"] + client))?.status == 0 })
        #expect(try await SlipwayBinary.run(["pipelines", "create", "shop", "--repo", originPath] + client).status == 0)
        let tokenFile = directory.url.appendingPathComponent("token")
        try (GitHubContractServer.token + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        let configured = try await SlipwayBinary.run(["pipelines", "github", "--pipeline", "shop", "--owner", "octo", "--repo", "shop",
                                                      "--api-url", github.url, "--token-file", tokenFile.path] + client)
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(!configured.stdout.contains(GitHubContractServer.token) && configured.stdout.contains("a token (hidden)"))

        // GitHub takes the first request and never answers; meanwhile 50 statuses are queued (through the check
        // recorder, on the service's own database, as the flow would).
        try await github.hold(true)
        let store = try SQLiteStore(dataDirectory: data)
        let shop = try ResourceName("shop")
        let shas = (0..<50).map { String(format: "%040x", 0xabc000 + $0) }
        let recorder = CheckRecorder(store: store, observers: [
            GitHubCheckReporter(store: store, sender: GitHubDeliverySender(store: store, client: GitHubAPIClient()),
                                links: DashboardLinks(publicURL: "https://ci.example.com")),
        ])
        for (index, sha) in shas.enumerated() {
            _ = try await store.updatePullRequest(pipeline: shop, number: index + 1) { record in
                record = PullRequestRecord(pipeline: shop, number: index + 1, branch: "b\(index)", headCommit: sha)
            }
            try await recorder.record(pipeline: shop, commit: sha, state: .success, description: "\(index) passed",
                                      targetURL: "/test-runs/\(index)")
        }
        #expect(try await eventually { try await github.requests().contains { $0.kind == "status" && $0.answered == nil } },
                "the service never sent the first status")
        #expect(try await store.gitHubDeliveries(pipeline: shop, states: [.pending], limit: 100).count == 50)

        #expect(first.signal(SIGKILL), "the first serve had already exited")
        _ = try await serving.value
        try await github.hold(false)

        let second = StartedProcess()
        let again = Task { try await SlipwayBinary.run(serve, timeout: .seconds(120), started: second) }
        let drained = try await eventually(within: .seconds(60)) {
            try await store.gitHubDeliveries(pipeline: shop, states: [.pending], limit: 100).isEmpty
        }
        #expect(drained, "deliveries still pending after the restart")
        let answered = try await github.requests().filter { $0.kind == "status" && $0.answered == 201 }
        #expect(answered.compactMap(\.sha) == shas, "each exactly once, in order")
        #expect(answered.allSatisfy { $0.problems.isEmpty && $0.auth == "token" })
        #expect(answered.first?.body?["target_url"]?.string == "https://ci.example.com/test-runs/0")
        let delivered = try await store.gitHubDeliveries(pipeline: shop, states: [.delivered], limit: 100)
        #expect(delivered.count == 50)
        try await store.close()

        #expect(second.signal(SIGTERM), "the second serve had already exited")
        #expect(try await again.value.status == 0)
    }
}
