import CryptoExtras
import Foundation
import GitHubReporting
import GitKit
import HummingbirdTesting
import Orchestration
import Server
import SlipwayModel
import SlipwayTestSupport
import Store
import Testing

/// Reporting back to GitHub against a contract server that validates every request with githubkit's models
/// (generated from GitHub's OpenAPI description) and answers like GitHub, failures included.
@Suite(.serialized)
struct GitHubReportingContractTests {
    /// The sender the fixture's check reporter feeds, made once the fixture's store exists.
    final class SenderBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: GitHubDeliverySender?
        var sender: GitHubDeliverySender? { lock.withLock { stored } }
        func set(_ sender: GitHubDeliverySender) { lock.withLock { stored = sender } }
    }

    static let publicURL = "https://ci.example.com"

    static func reporter(_ box: SenderBox, timeout: Duration = .seconds(2)) -> (any SlipwayStore) -> [any CheckObserver] {
        { store in
            let sender = GitHubDeliverySender(store: store, client: GitHubAPIClient(timeout: timeout),
                                              policy: DeliveryPolicy(baseDelay: 0.2), pollInterval: .milliseconds(50))
            box.set(sender)
            return [GitHubCheckReporter(store: store, sender: sender, links: DashboardLinks(publicURL: publicURL))]
        }
    }

    /// The deployment reporter, on the sender `reporter` made (call after it).
    static func deployments(_ box: SenderBox) -> (any SlipwayStore) -> [any ReviewAppObserver] {
        { store in
            guard let sender = box.sender else { return [] }
            return [GitHubDeploymentReporter(store: store, sender: sender, links: DashboardLinks(publicURL: publicURL),
                                             reviewAppURL: { "http://\($0)/" })]
        }
    }

    static func statuses(_ received: [GitHubContractServer.Received], sha: String) -> [String] {
        received.filter { $0.sha == sha && $0.answered == 201 }.compactMap(\.state)
    }

    @Test("a pull request's lifecycle reaches GitHub as valid commit statuses, signed in as a GitHub App")
    func lifecycleAsAGitHubApp() async throws {
        let github = try await GitHubContractServer.start()
        defer { github.stop() }
        let box = SenderBox()
        try await PullRequestFixture.with(checkObservers: Self.reporter(box), reviewAppObservers: Self.deployments(box)) { fixture in
            let sender = try #require(box.sender)
            let sending = Task { await sender.run() }
            defer { sending.cancel() }
            try await fixture.application.test(.router) { client in
                let key = try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
                let body = try String(decoding: JSONSerialization.data(withJSONObject: [
                    "owner": "octo", "repository": "shop", "api_url": github.url, "app_id": GitHubContractServer.appID,
                    "installation_id": 99, "private_key": key, "pull_request_comment": true,
                ]), as: UTF8.self)
                let configured = try await client.api(.put, "/api/v1/pipelines/shop/github", token: fixture.service.adminToken, json: body)
                #expect(configured.status == .ok, "\(configured.text)")
                #expect(!configured.text.contains("PRIVATE KEY"), "the key never comes back")
                let shown = try await client.api(.get, "/api/v1/pipelines/shop/github", token: fixture.service.adminToken)
                #expect(shown.text.contains("\"credentials\":\"app\"") && !shown.text.contains("PRIVATE"))

                let head = try await fixture.openPullRequest(1, [.write("version.txt", "one\n")])
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "opened", number: 1, head: head.hex, branch: "feature-one", updatedAt: Date()))
                await fixture.flow.waitUntilIdle()
                let merge = try #require(try await fixture.status(1).mergeCommit)
                #expect(try await eventually { Self.statuses(try await github.requests(), sha: head.hex).last == "success" },
                        "the head's success never reached GitHub")

                let received = try await github.requests()
                for request in received { #expect(request.problems.isEmpty, "\(request.method) \(request.path): \(request.problems)") }
                #expect(Self.statuses(received, sha: head.hex) == ["pending", "success"], "in order")
                #expect(!received.contains { $0.path.contains(merge) }, "test merges exist only in Slipway's mirror")
                let tokens = received.filter { $0.kind == "access_token" }
                #expect(tokens.count == 1 && tokens[0].auth == "jwt" && tokens[0].path == "/app/installations/99/access_tokens",
                        "one installation token, asked for with the App's JWT, serves every status")
                #expect(received.filter { $0.kind == "status" }.allSatisfy { $0.auth == "installation" })
                let success = try #require(received.last { $0.sha == head.hex })
                let run = try #require(try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 1, limit: 1).first)
                #expect(success.body?["target_url"]?.string == "\(Self.publicURL)/test-runs/\(run.id)")
                #expect(success.body?["context"]?.string == "ci")
                #expect(success.body?["description"]?.string?.hasPrefix("3 passed") == true, "\(String(describing: success.body))")

                // The review app as a deployment: pr-1, transient, the head as ref; in_progress then success with its URL.
                #expect(try await eventually {
                    try await github.requests().contains { $0.kind == "deployment_status" && $0.state == "success" }
                }, "the review app's deployment never succeeded on GitHub")
                var all = try await github.requests()
                let deployment = try #require(all.first { $0.kind == "deployment" })
                #expect(deployment.body?["environment"]?.string == "pr-1" && deployment.body?["ref"]?.string == head.hex)
                #expect(deployment.body?["transient_environment"] == .bool(true) && deployment.body?["auto_merge"] == .bool(false))
                #expect(deployment.body?["required_contexts"] == .array([]))
                let deploymentStatuses = all.filter { $0.kind == "deployment_status" && $0.answered == 201 }
                #expect(deploymentStatuses.compactMap(\.state) == ["in_progress", "success"])
                #expect(deploymentStatuses.allSatisfy { $0.path.hasPrefix("/repos/octo/shop/deployments/") && !$0.path.contains("{") })
                #expect(deploymentStatuses.last?.body?["environment_url"]?.string == "http://pr-1.shop.localhost:\(fixture.runtime.routerPort)/")
                #expect(deploymentStatuses.last?.body?["log_url"]?.string == "\(Self.publicURL)/apps/shop-pr-1")

                // One comment: created once, then edited in place.
                #expect(try await eventually {
                    try await github.requests().last { $0.kind?.hasPrefix("comment") == true }?.body?["body"]?.string?.contains("ready to merge") == true
                }, "the comment never showed the green gate")
                all = try await github.requests()
                #expect(all.filter { $0.kind == "comment" }.count == 1, "the comment is posted once")
                let edit = try #require(all.last { $0.kind == "comment_update" })
                #expect(edit.method == "PATCH" && edit.body?["body"]?.string?.contains("http://pr-1.shop.localhost") == true)

                // The gate merges: staging is deployed from the merge and reported as environment `staging`.
                let merged = try await client.api(.post, "/api/v1/pipelines/shop/prs/1/merge", token: fixture.service.adminToken)
                #expect(try merged.decode(GateOutcome.self).merged, "\(merged.text)")
                #expect(try await eventually {
                    try await github.requests().contains { $0.kind == "deployment" && $0.body?["environment"]?.string == "staging" }
                })
                // Promoting staging's build to production is a deployment to `production`, marked as such.
                try await client.api(.post, "/api/v1/apps", token: fixture.service.adminToken,
                                     json: #"{"name":"shop-prod","pipeline":"shop","stage":"production"}"#)
                var promoter = fixture.runtime.deployer
                promoter.releaseObservers = Self.deployments(box)(fixture.service.store)
                let promoted = try await promoter.promote(app: ResourceName("shop-staging"), to: nil)
                #expect(promoted.targets.map(\.succeeded) == [true], "\(promoted)")
                #expect(try await eventually {
                    try await github.requests().contains { $0.kind == "deployment_status" && $0.state == "success"
                        && $0.body?["log_url"]?.string == "\(Self.publicURL)/apps/shop-prod" }
                }, "the production deployment never succeeded")
                let production = try #require(try await github.requests().first {
                    $0.kind == "deployment" && $0.body?["environment"]?.string == "production" })
                #expect(production.body?["production_environment"] == .bool(true) && production.body?["ref"]?.string == merge)

                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "closed", number: 1, head: head.hex, branch: "feature-one", updatedAt: Date() + 60, merged: true))
                await fixture.flow.waitUntilIdle()
                #expect(try await eventually {
                    try await github.requests().contains { $0.kind == "deployment_status" && $0.state == "inactive" }
                }, "the destroyed review app's deployment never became inactive")
                all = try await github.requests()
                for request in all { #expect(request.problems.isEmpty, "\(request.method) \(request.path): \(request.problems)") }
                let staging = try #require(all.first { $0.kind == "deployment" && $0.body?["environment"]?.string == "staging" })
                #expect(staging.body?["ref"]?.string == merge && staging.body?["transient_environment"] == .bool(false))
            }
        }
    }

    @Test("GitHub's failures: 401 and 422 fail with GitHub's message, 403 Retry-After waits, 500 and a timeout are retried")
    func failuresAreAnsweredLikeGitHub() async throws {
        let github = try await GitHubContractServer.start()
        defer { github.stop() }
        let service = try await TestService.make()
        let store = service.store
        defer { service.directory.remove() }
        _ = try await store.createPipeline(Pipeline(name: ResourceName("shop"), repository: "https://github.com/octo/shop.git"))
        _ = try await store.saveGitHubSettings(GitHubSettings(
            pipeline: ResourceName("shop"), owner: "octo", repository: "shop", apiBaseURL: github.url,
            credentials: .token(GitHubContractServer.token)))
        let shas = (1...5).map { String(repeating: "\($0)", count: 40) }
        try await github.script([
            shas[0]: [["status": 401, "body": ["message": "Bad credentials"]]],
            shas[1]: [["status": 403, "headers": ["Retry-After": "1"],
                       "body": ["message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."]]],
            shas[2]: [["status": 422, "body": ["message": "Validation Failed",
                                               "errors": [["resource": "Status", "code": "custom", "message": "No commit found for SHA: \(shas[2])"]]]]],
            shas[3]: [["status": 500, "body": ["message": "Server Error"]]],
            shas[4]: [["delay": 3]],
        ])
        let sender = GitHubDeliverySender(store: store, client: GitHubAPIClient(timeout: .seconds(1)),
                                          policy: DeliveryPolicy(baseDelay: 0.2), pollInterval: .milliseconds(50))
        let recorder = CheckRecorder(store: store, observers: [
            GitHubCheckReporter(store: store, sender: sender, links: DashboardLinks(publicURL: Self.publicURL)),
        ])
        let shop = try ResourceName("shop")
        for (index, sha) in shas.enumerated() {
            _ = try await store.updatePullRequest(pipeline: shop, number: index + 1) { record in
                record = PullRequestRecord(pipeline: shop, number: index + 1, branch: "b\(index)", headCommit: sha)
            }
            try await recorder.record(pipeline: ResourceName("shop"), commit: sha, state: .pending, description: "testing",
                                      targetURL: "/test-runs/x")
        }
        let sending = Task { await sender.run() }
        defer { sending.cancel() }
        let settled = try await eventually(within: .seconds(60)) {
            try await store.gitHubDeliveries(pipeline: nil, states: [.pending], limit: 10).isEmpty
        }
        #expect(settled, "deliveries still pending")
        let received = try await github.requests()
        for request in received { #expect(request.problems.isEmpty, "\(request.path): \(request.problems)") }
        #expect(received.allSatisfy { $0.auth == "token" })

        let all = try await store.gitHubDeliveries(pipeline: ResourceName("shop"), states: nil, limit: 10)
        func delivery(_ sha: String) throws -> GitHubDelivery { try #require(all.first { $0.orderingKey == sha }) }
        #expect(try delivery(shas[0]).state == .failed && delivery(shas[0]).lastStatus == 401)
        #expect(try delivery(shas[0]).lastResponse == "Bad credentials")
        #expect(try delivery(shas[2]).state == .failed && delivery(shas[2]).lastStatus == 422)
        #expect(try delivery(shas[2]).lastResponse?.contains("No commit found for SHA") == true)
        for sha in [shas[1], shas[3], shas[4]] {
            let retried = try delivery(sha)
            #expect(retried.state == .delivered && retried.attempts == 2, "\(sha.prefix(1)): \(retried)")
        }
        let limited = received.filter { $0.sha == shas[1] }
        #expect(limited.count == 2 && limited[1].time - limited[0].time >= 0.95, "Retry-After: 1 was not waited for")

        // What `slipway github deliveries` shows: the failed ones, with GitHub's answer.
        try await buildApplication(APIServerConfiguration(port: 0), store: store).test(.router) { client in
            let answer = try await client.api(.get, "/api/v1/github/deliveries?pipeline=shop", token: service.adminToken)
            let failed = try answer.decode([GitHubDeliveryResource].self)
            #expect(Set(failed.compactMap(\.lastStatus)) == [401, 422])
            #expect(!answer.text.contains(GitHubContractServer.token))
            // …and the dashboard's page of them.
            let page = try await client.api(.get, "/github", token: service.adminToken)
            #expect(page.status == .ok)
            #expect(page.text.contains("Bad credentials") && page.text.contains("No commit found for SHA"), "\(page.text.prefix(2000))")
            #expect(!page.text.contains(GitHubContractServer.token))
        }
        try await service.close()
    }
}

extension GitHubReportingContractTests {
    @Test("a burst of 20 pushes sends far fewer than 20 pending statuses, each sha's statuses in order")
    func aBurstOfPushesIsCoalesced() async throws {
        let github = try await GitHubContractServer.start()
        defer { github.stop() }
        let box = SenderBox()
        try await PullRequestFixture.with(checkObservers: Self.reporter(box), reviewAppObservers: Self.deployments(box)) { fixture in
            let sender = try #require(box.sender)
            let sending = Task { await sender.run() }
            defer { sending.cancel() }
            _ = try await fixture.service.store.saveGitHubSettings(GitHubSettings(
                pipeline: fixture.pipeline, owner: "octo", repository: "shop", apiBaseURL: github.url,
                credentials: .token(GitHubContractServer.token)))
            try await fixture.application.test(.router) { client in
                var head = try await fixture.openPullRequest(1, [.write("version.txt", "0\n")])
                let opened = Date()
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "opened", number: 1, head: head.hex, branch: "feature", updatedAt: opened))
                var heads = [head.hex]
                for push in 1...20 {
                    head = try await fixture.openPullRequest(1, on: head, [.write("version.txt", "\(push)\n")])
                    heads.append(head.hex)
                    try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                        action: "synchronize", number: 1, head: head.hex, branch: "feature", updatedAt: opened + Double(push)))
                }
                await fixture.flow.waitUntilIdle()
                let last = head.hex
                #expect(try await eventually { Self.statuses(try await github.requests(), sha: last).last == "success" },
                        "the last head's success never reached GitHub")
                let received = try await github.requests()
                for request in received { #expect(request.problems.isEmpty, "\(request.path): \(request.problems)") }
                let pendings = received.filter { $0.kind == "status" && $0.state == "pending" }.count
                print("a burst of 21 heads: \(pendings) pending statuses sent, \(received.count) requests in all")
                #expect(pendings <= 7, "\(pendings) pending statuses for 21 heads")
                for sha in heads {
                    let states = Self.statuses(received, sha: sha)
                    #expect(states.firstIndex(of: "pending").map { pending in !states[..<pending].contains("success") } ?? true,
                            "\(sha.prefix(8)): \(states)")
                }
            }
        }
    }
}
