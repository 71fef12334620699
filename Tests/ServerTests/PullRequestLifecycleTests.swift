import Foundation
import Orchestration
import GitKit
import HummingbirdTesting
import Platform
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// Pull requests end to end with real repositories (libgit2), real GitHub payloads, real test processes, real
/// dynos and the router.
@Suite(.serialized)
struct PullRequestLifecycleTests {
    @Test("open → tested → review app with inherited config → synchronize → redeployed → gate merge by CAS → staging → gone")
    func lifecycle() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.application.test(.router) { client in
                let head = try await fixture.openPullRequest(1, [.write("version.txt", "one\n")])
                let opened = Date()
                let started = ContinuousClock.now
                let answer = try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "opened", number: 1, head: head.hex, branch: "feature-one", updatedAt: opened))
                #expect(answer.status == .accepted, "\(answer.text)")
                // The review app answers before the tests finish: it does not wait for CI.
                var firstAnswer: Duration?
                while ContinuousClock.now - started < .seconds(30) {
                    if let served = await fixture.fetch(host: fixture.reviewHost(1)), served.status == 200 {
                        firstAnswer = ContinuousClock.now - started
                        break
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let latency = try #require(firstAnswer, "the review app never answered")
                print("webhook → review app answering 200: \(latency)")
                await fixture.flow.waitUntilIdle()

                let status = try await fixture.status(1)
                let merge = try #require(status.mergeCommit)
                #expect(try await fixture.ciCheck(on: merge)?.state == .success)
                #expect(try await fixture.ciCheck(on: head.hex)?.state == .success, "the check is on the head too")
                #expect(status.reviewApp?.state == "deployed")
                #expect(status.reviewApp?.url == "http://pr-1.shop.localhost:\(fixture.runtime.routerPort)/")
                let body = try #require(await fixture.fetch(host: fixture.reviewHost(1))).body
                #expect(body == "GREETING=pipeline secret greeting PR=1 RELEASE=v1 SECRET=64 VERSION=one")
                let app = try #require(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 1))
                #expect(app.review?.branch == "feature-one")
                #expect(app.review?.mergeCommit == merge)

                // synchronize: a new head is tested and redeployed; postdeploy ran on creation only.
                let second = try await fixture.openPullRequest(1, on: head, [.write("version.txt", "two\n")])
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "synchronize", number: 1, head: second.hex, branch: "feature-one", updatedAt: opened + 10))
                await fixture.flow.waitUntilIdle()
                let updated = try await fixture.status(1)
                #expect(updated.mergeCommit != merge)
                #expect(try await fixture.ciCheck(on: try #require(updated.mergeCommit))?.state == .success)
                #expect(await fixture.fetch(host: fixture.reviewHost(1))?.body.hasSuffix("RELEASE=v2 SECRET=64 VERSION=two") == true)
                let postdeploy = try String(contentsOf: fixture.markers.appendingPathComponent("postdeploy-shop-pr-1"), encoding: .utf8)
                #expect(postdeploy == "v1\n", "postdeploy runs after the first deploy only")

                // The gate: main moves by compare-and-swap to the tested merge commit; staging runs it.
                let before = try await fixture.main()
                let merged = try await client.api(.post, "/api/v1/pipelines/shop/prs/1/merge", token: fixture.service.adminToken)
                let outcome = try merged.decode(GateOutcome.self)
                #expect(outcome.merged, "\(outcome.reason)")
                #expect(outcome.previousTarget == before.hex)
                #expect(try await fixture.main().hex == updated.mergeCommit)
                #expect(try await fixture.origin.commit(fixture.main()).parents == [before, second])
                #expect(outcome.deploys.map(\.app) == ["shop-staging"] && outcome.deploys.allSatisfy(\.succeeded))
                #expect(await fixture.fetch(host: "shop-staging.localhost")?.body.hasSuffix("VERSION=two") == true)
                let decisions = try await fixture.service.store.gateDecisions(pipeline: fixture.pipeline, prNumber: 1, limit: nil)
                #expect(decisions.first?.verdict == .merged)

                // Merged means closed: pr-predestroy ran, the app, its URL and its data are gone.
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "closed", number: 1, head: second.hex, branch: "feature-one", updatedAt: opened + 20, merged: true))
                await fixture.flow.waitUntilIdle()
                #expect(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 1) == nil)
                #expect(await fixture.fetch(host: fixture.reviewHost(1))?.status == 404)
                #expect(FileManager.default.fileExists(atPath: fixture.markers.appendingPathComponent("predestroy-shop-pr-1").path))
                #expect(try await fixture.service.store.apps().map(\.name.rawValue) == ["shop-staging"])
            }
        }
    }

    @Test("a red pull request and a conflicting one are refused with their reasons; main does not move")
    func refusals() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.openPullRequest(2, [.write("tests/t4.sh", "exit 1\n")])
            try await fixture.openPullRequest(3, [.write("greeting.txt", "Howdy\n")])
            try await fixture.pushToMain([.write("greeting.txt", "Hello, world\n")])
            await fixture.sync()
            let main = try await fixture.main()

            let red = try await fixture.flow.merge(pipeline: fixture.pipeline, number: 2)
            #expect(!red.merged && red.reason == "check ci failed")
            let conflicting = try await fixture.flow.merge(pipeline: fixture.pipeline, number: 3)
            #expect(!conflicting.merged && conflicting.reason == "conflicts: greeting.txt")
            #expect(try await fixture.main() == main)
            #expect(try await fixture.status(3).checks.first?.description == "conflicts: greeting.txt")
            let run = try #require(try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 2, limit: 1).first)
            #expect(run.state == .failed)
            #expect(run.fileResults.first { $0.path == "tests/t4.sh" }?.status == .failed)
            #expect(run.shards.count == 2)
            #expect(run.fileResults.allSatisfy { $0.startOffsetSeconds != nil }, "the dashboard's timeline needs each file's start")
            for shard in run.shards {
                let files = run.fileResults.filter { $0.worker == shard.index }
                let first = try #require(files.compactMap(\.startOffsetSeconds).min())
                #expect(shard.startOffsetSeconds == first, "a shard starts with its first file")
                #expect((shard.endOffsetSeconds ?? 0) >= first + (files.map(\.seconds).max() ?? 0) - 1e-9)
            }
            let decisions = try await fixture.service.store.gateDecisions(pipeline: fixture.pipeline, prNumber: nil, limit: nil)
            #expect(decisions.count == 2 && decisions.allSatisfy { $0.verdict == .refused })
            // The red pull request's review app still runs: reviewers look at red pull requests too.
            #expect(await fixture.fetch(host: fixture.reviewHost(2))?.status == 200)
            #expect(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 3) == nil)
        }
    }

    @Test("main moving after the test forces a re-test: the gate refuses, then merges the re-tested merge")
    func targetMovesForcesRetest() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.openPullRequest(4, [.write("version.txt", "four\n")])
            await fixture.sync()
            let tested = try #require(try await fixture.status(4).mergeCommit)
            // main moves with no webhook: the tested merge is no longer a merge onto main's tip.
            try await fixture.pushToMain([.write("NOTES.md", "notes\n")])
            let refused = try await fixture.flow.merge(pipeline: fixture.pipeline, number: 4)
            #expect(!refused.merged && refused.reason == "target moved: re-testing")
            await fixture.flow.waitUntilIdle()
            let retested = try #require(try await fixture.status(4).mergeCommit)
            #expect(retested != tested)
            #expect(try await fixture.ciCheck(on: retested)?.state == .success)
            let merged = try await fixture.flow.merge(pipeline: fixture.pipeline, number: 4)
            #expect(merged.merged, "\(merged.reason)")
            #expect(try await fixture.main().hex == retested)
        }
    }

    @Test("a push to the pull request or to main during a test run cancels it and tests the new merge",
          arguments: ["pull request", "main"])
    func pushDuringATestRunCancelsIt(pushTo: String) async throws {
        try await PullRequestFixture.with { fixture in
            let slow = try await fixture.openPullRequest(5, [.write("tests/t9.sh", "sleep 3\n")])
            await fixture.flow.requestReconcile(fixture.pipeline)
            // Wait until the first run is running, then push.
            var first: TestRun?
            for _ in 0..<200 {
                first = try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 5, limit: 1).first
                if first?.state == .running { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(first?.state == .running)
            if pushTo == "main" {
                try await fixture.pushToMain([.write("NOTES.md", "moved\n")])
            } else {
                try await fixture.openPullRequest(5, on: slow, [.write("tests/t9.sh", "true\n")])
            }
            await fixture.sync()
            let runs = try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 5, limit: nil)
            #expect(runs.count == 2)
            #expect(runs.last?.state == .cancelled, "the older run: \(runs.last?.state.rawValue ?? "-")")
            #expect(runs.first?.state == .succeeded)
            let current = try #require(try await fixture.status(5).mergeCommit)
            #expect(runs.first?.commit == current)
            #expect(try await fixture.ciCheck(on: current)?.state == .success)
        }
    }

    @Test("duplicate, late and forged deliveries change nothing")
    func webhookDeliveries() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.application.test(.router) { client in
                let head = try await fixture.openPullRequest(6, [.write("version.txt", "six\n")])
                let opened = Date()
                let payload = try PullRequestFixture.pullRequestPayload(action: "opened", number: 6, head: head.hex,
                                                                        branch: "six", updatedAt: opened)
                // A bad signature: 401 and no record.
                let forged = try await client.webhook("pull_request", payload, signature: "sha256=" + String(repeating: "0", count: 64))
                #expect(forged.status == .unauthorized)
                let unsigned = try await client.webhook("pull_request", payload, signature: "")
                #expect(unsigned.status == .unauthorized)
                #expect(try await fixture.service.store.pullRequest(pipeline: fixture.pipeline, number: 6) == nil)

                #expect(try await client.webhook("pull_request", payload, delivery: "d-1").status == .accepted)
                let duplicate = try await client.webhook("pull_request", payload, delivery: "d-1")
                #expect(duplicate.status == .ok && duplicate.text.contains("duplicate"))
                await fixture.flow.waitUntilIdle()
                #expect(try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 6, limit: nil).count == 1)

                // closed at t+20 arrives, then a late `reopened` stamped t+10: the pull request stays closed.
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "closed", number: 6, head: head.hex, branch: "six", updatedAt: opened + 20))
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "reopened", number: 6, head: head.hex, branch: "six", updatedAt: opened + 10))
                await fixture.flow.waitUntilIdle()
                #expect(try await fixture.service.store.pullRequest(pipeline: fixture.pipeline, number: 6)?.state == .closed)
                #expect(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 6) == nil)
                #expect(FileManager.default.fileExists(atPath: fixture.markers.appendingPathComponent("predestroy-shop-pr-6").path))
                // A real reopen (newer) brings it back; a push payload reconciles without changing anything twice.
                try await client.webhook("pull_request", PullRequestFixture.pullRequestPayload(
                    action: "reopened", number: 6, head: head.hex, branch: "six", updatedAt: opened + 30))
                try await client.webhook("push", PullRequestFixture.pushPayload())
                await fixture.flow.waitUntilIdle()
                #expect(await fixture.fetch(host: fixture.reviewHost(6))?.status == 200)
                #expect(try await fixture.service.store.testRuns(pipeline: fixture.pipeline, prNumber: 6, limit: nil).count == 1,
                        "the merge was tested already")
            }
        }
    }

    @Test("a required config var with no value anywhere fails the review app, naming it")
    func missingRequiredConfig() async throws {
        try await PullRequestFixture.with(greetingRequired: true, reviewConfigVars: [:]) { fixture in
            try await fixture.openPullRequest(8, [.write("version.txt", "eight\n")])
            await fixture.sync()
            let app = try #require(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 8))
            #expect(app.review?.state == .failed)
            let log = fixture.service.directory.url.appendingPathComponent("apps/\(app.name)/logs/app.log")
            let logs = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(logs.contains("GREETING"), "\(logs)")
            #expect(await fixture.fetch(host: fixture.reviewHost(8))?.status != 200)
        }
    }

    @Test("with wait_for_ci the review app waits for a green check")
    func waitForCI() async throws {
        try await PullRequestFixture.with(waitForCI: true) { fixture in
            try await fixture.openPullRequest(9, [.write("tests/t4.sh", "exit 1\n")])
            try await fixture.openPullRequest(10, [.write("version.txt", "ten\n")])
            await fixture.sync()
            #expect(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 9) == nil, "red: no review app")
            #expect(await fixture.fetch(host: fixture.reviewHost(10))?.status == 200, "green: deployed after the check")
        }
    }

    @Test("ten pull requests opened at once are each tested and each get a review app")
    func tenAtOnce() async throws {
        try await PullRequestFixture.with(testWorkers: 1) { fixture in
            for number in 11...20 { try await fixture.openPullRequest(number, [.write("version.txt", "v\(number)\n")]) }
            let started = ContinuousClock.now
            await fixture.sync()
            print("ten pull requests tested and deployed in \(ContinuousClock.now - started)")
            for number in 11...20 {
                let status = try await fixture.status(number)
                #expect(status.checks.first { $0.context == "ci" }?.state == "success", "#\(number)")
                #expect(await fixture.fetch(host: fixture.reviewHost(number))?.body.hasSuffix("VERSION=v\(number)") == true, "#\(number)")
            }
        }
    }

    @Test("a review app's own config vars override what it inherits, and unsetting one brings the inherited value back")
    func reviewAppOverrides() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.openPullRequest(21, [.write("version.txt", "x\n")])
            await fixture.sync()
            try await fixture.application.test(.router) { client in
                let token = fixture.service.adminToken
                let set = try await client.api(.patch, "/api/v1/apps/shop-pr-21/config-vars", token: token, json: #"{"GREETING":"just this app"}"#)
                #expect(set.status == .ok, "\(set.text)")
                #expect(await fixture.fetch(host: fixture.reviewHost(21))?.body.hasPrefix("GREETING=just this app PR=21") == true)
                let unset = try await client.api(.patch, "/api/v1/apps/shop-pr-21/config-vars", token: token, json: #"{"GREETING":null}"#)
                #expect(unset.status == .ok, "\(unset.text)")
                let body = await fixture.fetch(host: fixture.reviewHost(21))?.body
                #expect(body?.hasPrefix("GREETING=pipeline secret greeting PR=21") == true, "\(body ?? "")")
                #expect(body?.contains("SECRET=64") == true, "the generated secret is kept")
            }
        }
    }

    @Test("the reaper destroys a review app with no deploy for stale_days; a new push brings it back")
    func reaper() async throws {
        try await PullRequestFixture.with(reaperInterval: .zero) { fixture in
            let head = try await fixture.openPullRequest(22, [.write("version.txt", "old\n")])
            await fixture.sync()
            let app = try #require(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 22))
            _ = try await fixture.service.store.updateApp(named: app.name) { $0.review?.lastDeployedAt = Date() - 6 * 86_400 }
            await fixture.sync()
            #expect(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 22) == nil)
            #expect(try await fixture.service.store.pullRequest(pipeline: fixture.pipeline, number: 22)?.state == .stale)
            await fixture.sync()
            #expect(try await fixture.service.store.reviewApp(pipeline: fixture.pipeline, prNumber: 22) == nil, "stays gone without a push")
            try await fixture.openPullRequest(22, on: head, [.write("version.txt", "new\n")])
            await fixture.sync()
            #expect(await fixture.fetch(host: fixture.reviewHost(22))?.body.hasSuffix("VERSION=new") == true)
        }
    }

    @Test("an origin given as a URL is fetched and tested the same way, and the gate pushes the merge (fast-forward)")
    func gatePushesToAURLOrigin() async throws {
        try await PullRequestFixture.with(originAsURL: true) { fixture in
            try await fixture.openPullRequest(23, [.write("version.txt", "pushed\n")])
            await fixture.sync()
            let before = try await fixture.main()
            let outcome = try await fixture.flow.merge(pipeline: fixture.pipeline, number: 23)
            #expect(outcome.merged, "\(outcome.reason)")
            let merged = try await fixture.main()
            #expect(merged.hex == outcome.mergeCommit)
            #expect(try await fixture.origin.commit(merged).parents.first == before)
            #expect(try await fixture.origin.references(prefix: "refs/slipway/").isEmpty, "nothing of Slipway's is pushed but the merge")
            #expect(await fixture.fetch(host: "shop-staging.localhost")?.body.hasSuffix("VERSION=pushed") == true)
        }
    }
}
