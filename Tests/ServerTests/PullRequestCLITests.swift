import Foundation
import GitKit
import HummingbirdTesting
import Server
import SlipwayModel
import Store
import SlipwayTestSupport
import Testing

/// `slipway pr sync|status|merge` and `slipway deploy --repo --rev` as a user runs them, against the API with
/// the pull-request flow: human output, `--json` and exit codes.
@Suite(.serialized)
struct PullRequestCLITests {
    @Test func prCommandsAndDeployFromARepository() async throws {
        try await PullRequestFixture.with { fixture in
            try await fixture.openPullRequest(1, [.write("version.txt", "one\n")])
            try await fixture.openPullRequest(2, [.write("tests/t4.sh", "exit 1\n")])
            try await fixture.application.test(.live) { client in
                let server = "http://127.0.0.1:\(try #require(client.port))"
                let env = ["SLIPWAY_TOKEN": fixture.service.adminToken]
                func slipway(_ arguments: String...) async throws -> SlipwayBinary.Result {
                    try await SlipwayBinary.run(arguments + ["--server", server], environment: env, timeout: .seconds(60))
                }
                let synced = try await slipway("pr", "sync", "--wait")
                #expect(synced.status == 0, "\(synced.stderr)")

                let green = try await slipway("pr", "status", "1")
                #expect(green.status == 0)
                #expect(green.stdout.contains("check ci: success"), "\(green.stdout)")
                #expect(green.stdout.contains("http://pr-1.shop.localhost:\(fixture.runtime.routerPort)/"))
                let red = try #require(try await slipway("pr", "status", "2", "--json").json() as? [String: Any])
                #expect(red["mergeable"] as? Bool == false)
                #expect(red["gate_reason"] as? String == "check ci failed")
                #expect((red["review_app"] as? [String: Any])?["state"] as? String == "deployed")

                let refused = try await slipway("pr", "merge", "2")
                #expect(refused.status == 1)
                #expect(refused.stdout.contains("Refused #2: check ci failed"))
                #expect(refused.stderr.contains("the gate refused #2: check ci failed"))
                let merged = try await slipway("pr", "merge", "1", "--json")
                #expect(merged.status == 0, "\(merged.stderr)")
                let outcome = try #require(try merged.json() as? [String: Any])
                #expect(outcome["merged"] as? Bool == true)
                #expect(try await fixture.main().hex == outcome["merge_commit"] as? String)

                #expect(try await slipway("pr", "status", "99").status == 2, "an unknown pull request is bad input")
                #expect(try await slipway("pr", "merge", "0").status == 2)
                #expect(try await slipway("pr", "status", "1", "--pipeline", "nope").status == 2)
                _ = try await fixture.service.store.createPipeline(Pipeline(name: ResourceName("gone"), repository: "/nonexistent/repo.git"))
                let unreadable = try await slipway("pr", "status", "1", "--pipeline", "gone")
                #expect(unreadable.status == 1, "the repository is the service's problem, not bad input")
                #expect(unreadable.stderr.contains("cannot read pipeline gone's repository"), "\(unreadable.stderr)")

                // deploy --repo --rev: the commit is built from the repository through libgit2.
                let deployed = try await slipway("deploy", "--app", "shop-staging", "--repo", fixture.originPath, "--rev", "main", "--json")
                #expect(deployed.status == 0, "\(deployed.stderr)")
                #expect((try deployed.json() as? [String: Any])?["succeeded"] as? Bool == true)
                #expect(await fixture.fetch(host: "shop-staging.localhost")?.body.hasSuffix("VERSION=one") == true)
                let badRev = try await slipway("deploy", "--app", "shop-staging", "--repo", fixture.originPath, "--rev", "no-such-branch")
                #expect(badRev.status == 2)
                #expect(badRev.stderr.contains("rev"), "\(badRev.stderr)")
                #expect(try await slipway("deploy", "--app", "shop-staging", "--repo", fixture.originPath).status == 2)
            }
        }
    }

    @Test func demoOnceGoesAsDescribed() async throws {
        let result = try await SlipwayBinary.run(["demo", "--once", "--api-port", "\(try freeLoopbackPort())",
                                                  "--router-port", "\(try freeLoopbackPort())"], timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("every step did what it said"))
        #expect(result.stdout.contains("slipway pr merge 2  →  refused: check ci failed"))
        #expect(result.stdout.contains("slipway pr merge 3  →  refused: conflicts: greeting.txt"))
        #expect(result.stdout.contains("slipway pr merge 1  →  merged"))
    }
}
