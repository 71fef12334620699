import Foundation
import Platform
import Server
import SlipwayModel
import Store
import Synchronization

/// The steps of `slipway demo`, run inside the started service: each step prints what happened and checks
/// that it is what the product promises; `failures` lists every step that did not.
final class DemoTour: Sendable {
    let once: Bool
    private let recorded = Mutex<[String]?>(nil)

    init(once: Bool) { self.once = once }

    var failures: [String]? { recorded.withLock { $0 } }

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func expect(_ condition: Bool, _ failure: @autoclosure () -> String) {
        if !condition {
            let message = failure()
            Self.say("  ✗ \(message)")
            recorded.withLock { $0 = ($0 ?? []) + [message] }
        }
    }

    func run(_ service: RunningService) async throws {
        recorded.withLock { $0 = [] }
        let started = ContinuousClock.now
        let options = service.options
        let store = service.store
        let pipeline = try ResourceName("demo")
        let origin = options.dataDirectory.appendingPathComponent("demo-origin.git").path

        Self.say("\n== 1. A sample repository with three pull requests (written through libgit2)")
        try await DemoRepository.create(at: origin)
        Self.say("  \(origin): main + #1 \(DemoRepository.pullRequests[0].branch) (green), "
                 + "#2 \(DemoRepository.pullRequests[1].branch) (a failing test), #3 \(DemoRepository.pullRequests[2].branch) (conflicts with main)")

        Self.say("\n== 2. A pipeline with review config vars, and a staging app")
        _ = try await store.createPipeline(Pipeline(name: pipeline, repository: origin,
                                                    reviewConfigVars: ["GREETING": "hello from the pipeline's review config vars"]))
        let staging = try ResourceName("demo-staging")
        _ = try await store.createApp(App(name: staging, pipeline: pipeline, stage: .staging))
        _ = try await store.updateConfigVars(app: staging, set: ["GREETING": "hello from staging"], unset: [], description: nil)
        let production = try ResourceName("demo-production")
        _ = try await store.createApp(App(name: production, pipeline: pipeline, stage: .production))
        _ = try await store.updateConfigVars(app: production, set: ["GREETING": "hello from production"], unset: [], description: nil)
        Self.say("  pipeline demo (target main), app demo-staging; equivalent: slipway pipelines create demo --repo \(origin)")

        Self.say("\n== 3. Test merges, sharded test runs and review apps")
        let reconcileStarted = ContinuousClock.now
        await service.flow.requestReconcile(pipeline)
        await service.flow.waitUntilIdle()
        Self.say(String(format: "  every pull request tested and deployed in %.1f s", (ContinuousClock.now - reconcileStarted).seconds))
        for pull in DemoRepository.pullRequests {
            let status = PullRequestStatusResource(try await service.flow.status(pipeline: pipeline, number: pull.number))
            Self.say("\n  #\(pull.number) \(pull.branch): test merge \(status.mergeCommit.map { String($0.prefix(7)) } ?? "none")"
                     + (status.conflicts.isEmpty ? "" : " — conflicts: \(status.conflicts.joined(separator: ", "))"))
            expect(status.branch == pull.branch, "#\(pull.number) should be known by its branch \(pull.branch), got \(status.branch)")
            for check in status.checks { Self.say("    check \(check.context): \(check.state) — \(check.description)") }
            if let runID = status.testRuns.first?.id {
                try await showTestRun(try await store.testRun(id: runID))
            }
            switch pull.number {
            case 1: expect(status.checks.contains { $0.context == CheckContext.ci && $0.state == "success" }, "#1's ci check should succeed")
            case 2: expect(status.checks.contains { $0.context == CheckContext.ci && $0.state == "failure" }, "#2's ci check should fail")
            default: expect(!status.conflicts.isEmpty, "#3 should conflict")
            }
            if let review = status.reviewApp {
                let host = ReviewAppNaming.host(pipeline: pipeline.rawValue, prNumber: pull.number, domain: options.domain)
                let answer = await HTTPProbe.get(port: options.routerPort, path: "/", host: host, timeout: .seconds(5))
                Self.say("    review app \(review.app): \(review.state), \(review.url ?? "")")
                Self.say("      curl -H 'Host: \(host)' http://127.0.0.1:\(options.routerPort)/  →  "
                         + (answer.map { "\($0.status) \($0.body.trimmingCharacters(in: .whitespacesAndNewlines))" } ?? "no answer"))
                expect(answer?.status == 200, "#\(pull.number)'s review app should answer 200 through the router")
                expect(answer?.body.contains("review config vars") == true, "#\(pull.number)'s review app should show the inherited GREETING")
            } else {
                Self.say("    no review app" + (status.conflicts.isEmpty ? "" : " (nothing to deploy: the merge conflicts)"))
                expect(pull.number == 3, "#\(pull.number) should have a review app")
            }
        }

        Self.say("\n== 4. The merge gate")
        for pull in DemoRepository.pullRequests.sorted(by: { ($0.expectedRefusal == nil ? 1 : 0) < ($1.expectedRefusal == nil ? 1 : 0) }) {
            let outcome = try await service.flow.merge(pipeline: pipeline, number: pull.number)
            Self.say("  slipway pr merge \(pull.number)  →  " + (outcome.merged ? "merged: " : "refused: ") + outcome.reason)
            if let refusal = pull.expectedRefusal {
                expect(!outcome.merged && outcome.reason == refusal, "#\(pull.number) should be refused with '\(refusal)', got '\(outcome.reason)'")
            } else {
                expect(outcome.merged, "#\(pull.number) should merge")
                for deploy in outcome.deploys {
                    Self.say("    deployed \(deploy.app)" + (deploy.release.map { " v\($0)" } ?? "") + ": " + (deploy.succeeded ? "succeeded" : "failed — \(deploy.reason ?? "")"))
                }
                expect(outcome.deploys.contains { $0.app == staging.rawValue && $0.succeeded }, "staging should be deployed from the new main")
            }
        }
        await service.flow.waitUntilIdle()

        Self.say("\n== 5. Staging runs the new main")
        let stagingHost = "\(staging).\(options.domain)"
        let answer = await HTTPProbe.get(port: options.routerPort, path: "/", host: stagingHost, timeout: .seconds(5))
        Self.say("  curl -H 'Host: \(stagingHost)' http://127.0.0.1:\(options.routerPort)/  →  "
                 + (answer.map { "\($0.status) \($0.body.trimmingCharacters(in: .whitespacesAndNewlines))" } ?? "no answer"))
        expect(answer?.status == 200 && answer?.body.contains("release") == true, "staging should answer with #1's change")
        let merged = try await store.reviewApp(pipeline: pipeline, prNumber: 1)
        expect(merged == nil, "#1's review app should be destroyed after the merge")
        Self.say("  #1's review app destroyed after the merge: \(merged == nil ? "yes" : "no")")

        Self.say("\n== 6. Promote staging to production: the same build, production's own config")
        let promotion = try await service.deployer.promote(app: staging, to: nil)
        for target in promotion.targets {
            Self.say("  slipway promote --app \(staging)  →  \(target.app) v\(target.release.version): "
                     + (target.succeeded ? "succeeded" : "failed — \(target.reason ?? "")")
                     + " (build \(promotion.buildID.prefix(12)))")
        }
        expect(promotion.targets.map(\.app) == [production] && promotion.targets.allSatisfy(\.succeeded),
               "staging should be promoted to demo-production")
        let productionRelease = try await store.currentRelease(app: production)
        expect(productionRelease?.buildID == promotion.buildID, "production should run staging's build, not a rebuild")
        let productionHost = "\(production).\(options.domain)"
        let productionAnswer = await HTTPProbe.get(port: options.routerPort, path: "/", host: productionHost, timeout: .seconds(5))
        Self.say("  curl -H 'Host: \(productionHost)' http://127.0.0.1:\(options.routerPort)/  →  "
                 + (productionAnswer.map { "\($0.status) \($0.body.trimmingCharacters(in: .whitespacesAndNewlines))" } ?? "no answer"))
        expect(productionAnswer?.status == 200 && productionAnswer?.body.contains("release") == true
               && productionAnswer?.body.contains("production") == true,
               "production should answer with #1's change and its own config")

        let problems = failures ?? []
        Self.say(String(format: "\n== Done in %.1f s: ", (ContinuousClock.now - started).seconds)
                 + (problems.isEmpty ? "every step did what it said." : "\(problems.count) step(s) did not."))
        if !once {
            Self.say("Still serving. Dashboard: http://127.0.0.1:\(options.apiPort)/pipelines/demo (sign in with the token in "
                     + "\(options.dataDirectory.path)/admin-token); API http://127.0.0.1:\(options.apiPort)/api/v1; "
                     + "router http://127.0.0.1:\(options.routerPort). Ctrl-C to stop.")
        }
    }

    /// The run's summary and its shards as a text timeline: one row per worker, one block per file.
    private func showTestRun(_ run: TestRun) async throws {
        let failed = run.fileResults.filter { $0.status == .failed }
        Self.say(String(format: "    test run %@: %@, %d files on %d workers, wall %.2f s",
                        String(run.id.prefix(8)), run.state.rawValue, run.fileResults.count, run.workers, run.wallTimeSeconds ?? 0))
        for shard in run.shards.sorted(by: { $0.index < $1.index }) {
            let files = run.fileResults.filter { $0.worker == shard.index }
            let busy = files.reduce(0) { $0 + $1.seconds }
            let span = String(format: "%.2f–%.2f s", shard.startOffsetSeconds ?? 0, shard.endOffsetSeconds ?? busy)
            Self.say("      worker \(shard.index): \(span), \(files.count) files, "
                     + String(format: "%.2f s busy", busy) + (files.contains { $0.status == .failed } ? ", FAILED" : ""))
        }
        for file in failed { Self.say("      failed: \(file.path)") }
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
