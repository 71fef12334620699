import Foundation
import GitKit
import HummingbirdTesting
import Orchestration
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// Pull requests from forks under the pipeline's `fork_pull_requests` (SPEC §7), with GitHub's real
/// `pull_request` payload whose `head.repo` is another repository, real test processes, real dynos and the router.
@Suite(.serialized)
struct ForkPullRequestTests {
    static let approveCommand = "slipway pr approve 7 --pipeline shop"

    @Test("approve: held, waiting for approval → approved → tested and deployed without the pipeline's vars → push → waiting again")
    func approveFlow() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.application.test(.router) { client in
                let token = fixture.service.adminToken
                let pipeline = try await client.api(.get, "/api/v1/pipelines/shop", token: token).decode(PipelineResource.self)
                #expect(pipeline.forkPullRequests == "approve", "approve is the default")

                let head = try await fixture.openPullRequest(7, [.write("version.txt", "fork\n")])
                let opened = Date()
                let payload = try PullRequestFixture.pullRequestPayload(
                    action: "opened", number: 7, head: head.hex, branch: "patch-1", updatedAt: opened, fork: true)
                let event = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
                let pull = try #require(event["pull_request"] as? [String: Any])
                let headRepo = ((pull["head"] as? [String: Any])?["repo"] as? [String: Any])?["full_name"] as? String
                let baseRepo = ((pull["base"] as? [String: Any])?["repo"] as? [String: Any])?["full_name"] as? String
                #expect(headRepo != nil && headRepo != baseRepo, "the payload is a fork's: head.repo differs from base.repo")
                try await client.webhook("pull_request", payload)
                await fixture.flow.waitUntilIdle()

                // Held: nothing ran, nothing deployed; ci is pending "waiting for approval" with the command to approve.
                #expect(try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 7, limit: nil).isEmpty)
                #expect(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 7) == nil)
                #expect(await fixture.fetch(host: fixture.reviewHost(7))?.status != 200)
                let waiting = try #require(try await fixture.ciCheck(on: head.hex))
                #expect(waiting.state == .pending && waiting.description == "waiting for approval")
                let held = try await fixture.status(7)
                #expect(held.fork?.waitingForApproval == true)
                #expect(held.fork?.approveCommand == Self.approveCommand)
                #expect(held.checks.first { $0.context == "ci" }?.description == "waiting for approval", "on the test merge too")
                #expect(!held.mergeable, "the gate refuses while ci is pending")
                let page = try await client.api(.get, "/pipelines/shop/prs/7", token: token)
                #expect(page.status == .ok)
                #expect(page.text.contains("Waiting for approval") && page.text.contains(Self.approveCommand), "\(page.text.prefix(400))")
                let board = try await client.api(.get, "/pipelines/shop", token: token)
                #expect(board.text.contains(Self.approveCommand))

                // Approved: the approved head is tested and deployed, still without the pipeline's review config vars.
                let approved = try await client.api(.post, "/api/v1/pipelines/shop/prs/7/approve", token: token)
                #expect(approved.status == .ok, "\(approved.text)")
                let approval = try approved.decode(ApprovalOutcome.self)
                #expect(approval.head == head.hex && approval.approvedBy == "admin")
                let stored = try await fixture.service.store.pullRequest(pipeline: fixture.pipeline, number: 7)
                #expect(stored?.approval?.headCommit == head.hex && stored?.approval?.approvedBy == "admin")
                await fixture.flow.waitUntilIdle()
                let runs = try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 7, limit: nil)
                #expect(runs.count == 1 && runs.first?.state == .succeeded)
                #expect(try await fixture.ciCheck(on: head.hex)?.state == .success)
                #expect(await fixture.fetch(host: fixture.reviewHost(7))?.body == "GREETING=default greeting PR=7 RELEASE=v1 SECRET=64 VERSION=fork")
                let app = try #require(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 7))
                #expect(app.review?.fromFork == true)
                let release = try #require(try await fixture.service.store.currentRelease(app: app.name))
                #expect(release.config["GREETING"] == "default greeting" && release.config["MARKERS"] == nil,
                        "a fork never gets the pipeline's review config vars")
                #expect(try await fixture.status(7).fork?.waitingForApproval == false)

                // A push: the new head waits for a new approval; the review app keeps the approved code.
                let second = try await fixture.openPullRequest(7, on: head, [.write("version.txt", "fork two\n")])
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "synchronize", number: 7, head: second.hex, branch: "patch-1", updatedAt: opened + 10, fork: true))
                await fixture.flow.waitUntilIdle()
                let again = try #require(try await fixture.ciCheck(on: second.hex))
                #expect(again.state == .pending && again.description == "waiting for approval")
                #expect(try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 7, limit: nil).count == 1)
                #expect(try await fixture.status(7).fork?.approvedHead == head.hex)
                #expect(await fixture.fetch(host: fixture.reviewHost(7))?.body.hasSuffix("VERSION=fork") == true)

                try await client.api(.post, "/api/v1/pipelines/shop/prs/7/approve", token: token)
                await fixture.flow.waitUntilIdle()
                #expect(try await fixture.ciCheck(on: second.hex)?.state == .success)
                #expect(await fixture.fetch(host: fixture.reviewHost(7))?.body.hasSuffix("VERSION=fork two") == true)
            }
        }
    }

    @Test("ignore: a fork gets nothing; run: a fork runs at once; a pull request from the repository itself always runs")
    func ignoreAndRun() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.application.test(.router) { client in
                let token = fixture.service.adminToken
                let ignoring = try await client.api(.patch, "/api/v1/pipelines/shop", token: token, json: #"{"fork_pull_requests":"ignore"}"#)
                #expect(try ignoring.decode(PipelineResource.self).forkPullRequests == "ignore")
                let forkHead = try await fixture.openPullRequest(7, [.write("version.txt", "fork\n")])
                let ownHead = try await fixture.openPullRequest(8, [.write("version.txt", "own\n")])
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "opened", number: 7, head: forkHead.hex, branch: "patch-1", updatedAt: Date(), fork: true))
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "opened", number: 8, head: ownHead.hex, branch: "own", updatedAt: Date()))
                await fixture.flow.waitUntilIdle()
                #expect(try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 7, limit: nil).isEmpty)
                #expect(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 7) == nil)
                #expect(try await fixture.ciCheck(on: forkHead.hex) == nil, "ignored: not even a check")
                #expect(try await fixture.ciCheck(on: ownHead.hex)?.state == .success, "the repository's own pull request runs")
                let refused = try await client.api(.post, "/api/v1/pipelines/shop/prs/7/approve", token: token)
                #expect(refused.status == .conflict && refused.error?.id == "forks_ignored", "\(refused.text)")

                try await client.api(.patch, "/api/v1/pipelines/shop", token: token, json: #"{"fork_pull_requests":"run"}"#)
                await fixture.sync()
                #expect(try await fixture.ciCheck(on: forkHead.hex)?.state == .success)
                #expect(await fixture.fetch(host: fixture.reviewHost(7))?.body.hasSuffix("VERSION=fork") == true)

                // Back to ignore: the fork's review app is destroyed.
                try await client.api(.patch, "/api/v1/pipelines/shop", token: token, json: #"{"fork_pull_requests":"ignore"}"#)
                await fixture.sync()
                await fixture.flow.waitUntilIdle()
                #expect(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 7) == nil)
            }
        }
    }

    @Test("approving what is not a fork's open pull request, or with bad input, is a clear 4xx that changes nothing")
    func approveErrors() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.application.test(.router) { client in
                let token = fixture.service.adminToken
                let own = try await fixture.openPullRequest(8, [.write("version.txt", "own\n")])
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "opened", number: 8, head: own.hex, branch: "own", updatedAt: Date()))
                let notFork = try await client.api(.post, "/api/v1/pipelines/shop/prs/8/approve", token: token)
                #expect(notFork.status == .conflict && notFork.error?.id == "not_a_fork", "\(notFork.text)")
                #expect(notFork.error?.message.contains("not from a fork") == true)
                let unknown = try await client.api(.post, "/api/v1/pipelines/shop/prs/99/approve", token: token)
                #expect(unknown.status == .notFound && unknown.error?.message.contains("#99") == true, "\(unknown.text)")
                #expect(try await client.api(.post, "/api/v1/pipelines/shop/prs/abc/approve", token: token).error?.field == "number")
                #expect(try await client.api(.post, "/api/v1/pipelines/nope/prs/8/approve", token: token).status == .notFound)
                #expect(try await client.api(.post, "/api/v1/pipelines/shop/prs/8/approve", token: nil).status == .unauthorized)
                let badPolicy = try await client.api(.patch, "/api/v1/pipelines/shop", token: token, json: #"{"fork_pull_requests":"always"}"#)
                #expect(badPolicy.status == .unprocessableContent && badPolicy.error?.field == "fork_pull_requests", "\(badPolicy.text)")
                let created = try await client.api(.post, "/api/v1/pipelines", token: token,
                                                   json: #"{"name":"other","repository":"https://git.example.com/other.git","fork_pull_requests":"run"}"#)
                #expect(try created.decode(PipelineResource.self).forkPullRequests == "run")
                #expect(try await fixture.service.store.pullRequest(pipeline: fixture.pipeline, number: 8)?.approval == nil)
            }
        }
    }

    @Test("slipway pr approve and pipelines update --fork-pull-requests: output and exit codes (2 bad input, 3 unreachable)")
    func cli() async throws {
        try await PullRequestFixture.with { fixture in
            let head = try await fixture.openPullRequest(7, [.write("version.txt", "fork\n")])
            try await fixture.application.test(.live) { client in
                let server = "http://127.0.0.1:\(try #require(client.port))"
                let env = ["SLIPWAY_TOKEN": fixture.service.adminToken]
                func slipway(_ arguments: String...) async throws -> SlipwayBinary.Result {
                    try await SlipwayBinary.run(arguments + ["--server", server], environment: env, timeout: .seconds(60))
                }
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "opened", number: 7, head: head.hex, branch: "patch-1", updatedAt: Date(), fork: true))
                await fixture.flow.waitUntilIdle()

                let listed = try await slipway("pipelines")
                #expect(listed.status == 0 && listed.stdout.contains("FORK PRS") && listed.stdout.contains("approve"), "\(listed.stdout)")
                let status = try await slipway("pr", "status", "7")
                #expect(status.stdout.contains("waiting for approval: \(Self.approveCommand)"), "\(status.stdout)")
                #expect(status.stdout.contains("check ci: pending — waiting for approval"), "\(status.stdout)")

                let approved = try await slipway("pr", "approve", "7", "--pipeline", "shop")
                #expect(approved.status == 0, "\(approved.stderr)")
                #expect(approved.stdout.contains("Approved #7 in shop at head \(head.hex.prefix(7))"), "\(approved.stdout)")
                let json = try #require(try await slipway("pr", "approve", "7", "--json").json() as? [String: Any])
                #expect(json["head"] as? String == head.hex && json["approved_by"] as? String == "admin")

                #expect(try await slipway("pr", "approve", "99").status == 2, "an unknown pull request")
                #expect(try await slipway("pr", "approve", "0").status == 2)
                #expect(try await slipway("pr", "approve", "7", "--pipeline", "nope").status == 2)
                let typo = try await slipway("pipelines", "update", "shop", "--fork-pull-requests", "sometimes")
                #expect(typo.status == 2 && typo.stderr.contains("--fork-pull-requests"), "\(typo.stderr)")
                let updated = try await slipway("pipelines", "update", "shop", "--fork-pull-requests", "ignore")
                #expect(updated.status == 0 && updated.stdout.contains("fork pull requests: ignore"), "\(updated.stdout)")
                #expect(try await fixture.service.store.pipeline(named: fixture.pipeline).forkPullRequests == .ignore)
                let ignored = try await slipway("pr", "approve", "7")
                #expect(ignored.status == 2 && ignored.stderr.contains("fork_pull_requests: ignore"), "\(ignored.stderr)")

                let unreachable = try await SlipwayBinary.run(
                    ["pr", "approve", "7", "--server", "http://127.0.0.1:\(try freeLoopbackPort())"], environment: env, timeout: .seconds(30))
                #expect(unreachable.status == 3, "\(unreachable.stderr)")
            }
        }
    }
}
